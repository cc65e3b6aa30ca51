using Chain.Crypto;
using Chain.Node.App;
using Chain.Node.Genesis;
using Chain.Proto.Staking;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A stand-in for the staking module's MsgCreateValidator handler, so that gen txs can be tested before staking lands:
/// it records each created validator (a consensus key at most once) and its EndBlock returns the ones created since the
/// last block with power value / 10^6, as staking's does. Tests take their chain from <see cref="ChainModules"/>.
/// </summary>
public sealed class CreateValidatorModule : Module<Empty>
{
    public const string ModuleName = "createvalidator";
    private static readonly byte[] PendingKey = "createvalidator/pending"u8.ToArray();

    /// <summary>
    /// The node's modules with a create-validator handler: the catalog plus this stand-in (with an empty genesis
    /// section) while no catalog module handles MsgCreateValidator; once the staking module does, the catalog alone,
    /// so the tests that use it run against the real handler without a change.
    /// </summary>
    public static ModuleSet ChainModules()
    {
        var modules = ModuleCatalog.Create();
        return GenTx.IsHandledBy(modules) ? modules : modules.Add(new CreateValidatorModule());
    }

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; } = [new Handler()];

    public override Empty DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(Empty genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, Empty genesis) => ExecResult.Ok;

    public override Empty ExportGenesis(IStateReader state, ulong height) => new();

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context)
    {
        if (context.Store.Get(PendingKey) is not { } bytes)
        {
            return [];
        }

        context.Store.Delete(PendingKey);
        return Proto.Types.GenesisValidatorSet.Parser.ParseFrom(bytes).Validators
            .Select(v => new ValidatorPowerUpdate(v.PublicKey.ToByteArray(), v.Power)).ToArray();
    }

    private sealed class Handler : MsgHandler<MsgCreateValidator>
    {
        protected override ExecResult ValidateBasic(MsgCreateValidator message) =>
            GenTx.CheckMessage(message) is { Length: > 0 } error ? ExecResult.Error(ModuleName, 1, error)
            : Address.TryFromBech32(message.ValidatorAddress, out _, out var bad, Address.ValidatorOperatorPrefix) ? ExecResult.Ok
            : ExecResult.Error(ModuleName, 2, bad);

        protected override byte[] Signer(MsgCreateValidator message) => Address.FromBech32(message.ValidatorAddress, Address.ValidatorOperatorPrefix);

        protected override ExecResult Handle(MsgContext context, MsgCreateValidator message)
        {
            byte[] key = [.. "createvalidator/validator/"u8, .. message.Pubkey.Span];
            if (context.Store.Get(key) is not null)
            {
                return ExecResult.Error(ModuleName, 3, "validator already exists");
            }

            context.Store.Set(key, [1]);
            var pending = context.Store.Get(PendingKey) is { } bytes ? Proto.Types.GenesisValidatorSet.Parser.ParseFrom(bytes) : new Proto.Types.GenesisValidatorSet();
            pending.Validators.Add(new ValidatorPower { PublicKey = message.Pubkey, Power = (long)(message.Value / GenTx.PowerReduction) });
            context.Store.Set(PendingKey, pending.ToByteArray());
            return ExecResult.Ok;
        }
    }
}
