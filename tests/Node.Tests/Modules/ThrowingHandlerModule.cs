using Chain.Crypto;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A test module with a buggy handler: a StringValue message (its value is the signer's bech32 address) writes
/// <see cref="WrittenKey"/>, then throws an exception that is not out-of-gas, as a handler with a bug would.
/// </summary>
public sealed class ThrowingHandlerModule : Module<Empty>
{
    public const string ModuleName = "throwing";

    public static readonly byte[] WrittenKey = "throwing/written"u8.ToArray();

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; } = [new Handler()];

    public override Empty DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(Empty genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, Empty genesis) => ExecResult.Ok;

    public override Empty ExportGenesis(IStateReader state, ulong height) => new();

    private sealed class Handler : MsgHandler<StringValue>
    {
        protected override ExecResult ValidateBasic(StringValue message) =>
            Address.TryFromBech32(message.Value, out _, out var error) ? ExecResult.Ok : ExecResult.Error(ModuleName, 1, error);

        protected override byte[] Signer(StringValue message) => Address.FromBech32(message.Value);

        protected override ExecResult Handle(MsgContext context, StringValue message)
        {
            context.Store.Set(WrittenKey, [1]);
            context.Events.Emit("throwing.before");
            throw new InvalidOperationException("a bug in the handler");
        }
    }
}
