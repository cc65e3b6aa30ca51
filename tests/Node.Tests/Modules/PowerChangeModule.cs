using System.Collections.Concurrent;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A test module: at <paramref name="atHeight"/> its EndBlock gives the validator with <paramref name="publicKey"/>
/// <paramref name="power"/>. It also records, per height, the last-commit votes its BeginBlock saw (test
/// observation only; nothing of it is chain state).
/// </summary>
public sealed class PowerChangeModule(byte[] publicKey, long power, ulong atHeight) : Module<Empty>
{
    public const string ModuleName = "powerchange";

    public ConcurrentDictionary<ulong, IReadOnlyList<VoteInfo>> SeenVotes { get; } = new();

    public override string Name => ModuleName;

    public override Empty DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(Empty genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, Empty genesis) => ExecResult.Ok;

    public override Empty ExportGenesis(IStateReader state, ulong height) => new();

    public override void BeginBlock(MsgContext context) => SeenVotes[context.Block.Height] = context.Block.LastCommitVotes;

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context) =>
        context.Block.Height == atHeight ? [new ValidatorPowerUpdate(publicKey, power)] : [];
}
