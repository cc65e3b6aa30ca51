using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Tests.Wal;

/// <summary>A host that records what the driver does; its clock ticks on every read, so re-signed votes would differ if not guarded.</summary>
internal sealed class RecordingHost : IConsensusHost
{
    private long _now = 1_000;

    public List<Vote> Votes { get; } = new();

    public List<Proposal> Proposals { get; } = new();

    public List<(Block Block, Commit Commit)> Commits { get; } = new();

    public List<DuplicateVoteEvidence> Evidence { get; } = new();

    public bool CrashOnCommit { get; set; }

    public long NowUnixNanos => _now += 1_000;

    public void BroadcastProposal(Proposal proposal, Block block) => Proposals.Add(proposal);

    public void BroadcastVote(Vote vote) => Votes.Add(vote.Clone());

    public void ScheduleTimeout(TimeoutInfo timeout, TimeSpan delay)
    {
    }

    public IReadOnlyList<ValidatorUpdate> CommitBlock(Block block, Commit commit, HeightStart decidedAt)
    {
        Commits.Add((block, commit));
        if (CrashOnCommit)
        {
            throw new SimulatedCrashException();
        }

        return [];
    }

    public void EvidenceFound(DuplicateVoteEvidence evidence) => Evidence.Add(evidence);
}
