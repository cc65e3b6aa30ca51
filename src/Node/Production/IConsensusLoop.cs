using Chain.Consensus.Driver;
using Chain.Consensus.Evidence;
using Chain.Proto.Types;

namespace Chain.Node.Production;

/// <summary>What work posted to the <see cref="ConsensusInbox"/> may use, on the consensus loop.</summary>
public interface IConsensusLoop
{
    /// <summary>The driver of the current height (replaced when block sync moves the node forward).</summary>
    ConsensusDriver Driver { get; }

    EvidencePool Evidence { get; }

    /// <summary>
    /// Applies a block fetched by block sync when it is the next one: it must pass the proposal checks and carry
    /// a commit that +2/3 of its height's validators signed. Then consensus restarts at the height after it.
    /// Returns null when applied, else why not (the caller bans the peer that sent it, unless it was stale).
    /// </summary>
    SyncedBlockResult ApplySyncedBlock(Block block, Commit commit);
}
