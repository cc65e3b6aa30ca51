using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf.WellKnownTypes;

namespace Chain.State.Tests.Modules;

/// <summary>
/// A module for framework tests: its genesis is a number it writes under its name (a number above 1000 is refused),
/// it offers <see cref="Offered"/> as a keeper, records what BeginBlock saw and returns <see cref="Updates"/> from EndBlock.
/// </summary>
internal sealed class TestModule(string name, object? offered = null) : Module<UInt64Value>
{
    public object? Offered { get; } = offered;

    public IReadOnlyList<ValidatorPowerUpdate> Updates { get; set; } = [];

    public BlockInfo? SeenBlock { get; private set; }

    public override string Name => name;

    public override IReadOnlyList<object> Keepers => Offered is null ? [] : [Offered];

    public override UInt64Value DefaultGenesis() => new() { Value = 7 };

    public override ExecResult ValidateGenesis(UInt64Value genesis) =>
        genesis.Value > 1000 ? ExecResult.Error(name, 1, $"app_state.{name}.value must be at most 1000") : ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, UInt64Value genesis)
    {
        context.Store.Set(System.Text.Encoding.ASCII.GetBytes(name + "/value"), BitConverter.GetBytes(genesis.Value));
        return ExecResult.Ok;
    }

    public override UInt64Value ExportGenesis(IStateReader state, ulong height) =>
        new() { Value = BitConverter.ToUInt64(state.Get(System.Text.Encoding.ASCII.GetBytes(name + "/value"))) };

    public override void BeginBlock(MsgContext context) => SeenBlock = context.Block;

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context) => Updates;
}

/// <summary>The accounts the tx pipeline needs; these tests send no txs.</summary>
internal sealed class NoAccounts : IAccountKeeper
{
    public Account? GetAccount(IStateStore store, byte[] address) => null;

    public void SetAccount(IStateStore store, byte[] address, Account account)
    {
    }

    public ExecResult DeductFee(MsgContext context, byte[] payer, IReadOnlyList<Coin> fee) => ExecResult.Error("test", 1, "no accounts");
}
