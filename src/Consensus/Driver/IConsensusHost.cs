using Chain.Consensus.Engine;
using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Driver;

/// <summary>The node around the consensus driver: clock, network, timers, block store and application.</summary>
public interface IConsensusHost
{
    /// <summary>Wall-clock time stamped into own votes and proposals.</summary>
    long NowUnixNanos { get; }

    void BroadcastProposal(Proposal proposal, Block block);

    void BroadcastVote(Vote vote);

    /// <summary>Call <see cref="ConsensusDriver.OnTimeout"/> with <paramref name="timeout"/> after <paramref name="delay"/>.</summary>
    void ScheduleTimeout(TimeoutInfo timeout, TimeSpan delay);

    /// <summary>Execute the block and store it with its commit durably; return the application's validator updates.
    /// <paramref name="decidedAt"/> is the decided height with its validator sets: the host that restarts from its
    /// own store keeps <c>decidedAt.Next(commit, updates)</c> in the same write as the block.
    /// The driver then writes the WAL's end-of-height marker and moves the engine to the next height.</summary>
    IReadOnlyList<ValidatorUpdate> CommitBlock(Block block, Commit commit, HeightStart decidedAt);

    /// <summary>A validator was caught signing two different votes (add it to the evidence pool, gossip it).</summary>
    void EvidenceFound(DuplicateVoteEvidence evidence);
}
