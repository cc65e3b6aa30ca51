using System.Collections.Concurrent;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Modules;

/// <summary>A test module that records, per height, the misbehaviour its BeginBlock was told of (<see cref="BlockInfo.Evidence"/>),
/// as the staking module's slashing sees it. Test observation only; nothing of it is chain state.</summary>
public sealed class EvidenceRecorderModule : Module<Empty>
{
    public const string ModuleName = "evidencerecorder";

    public ConcurrentDictionary<ulong, IReadOnlyList<Misbehavior>> Seen { get; } = new();

    public override string Name => ModuleName;

    public override Empty DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(Empty genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, Empty genesis) => ExecResult.Ok;

    public override Empty ExportGenesis(IStateReader state, ulong height) => new();

    public override void BeginBlock(MsgContext context) => Seen[context.Block.Height] = context.Block.Evidence;
}
