using Chain.Consensus.Engine;
using Chain.Proto.Types;
using Chain.State.Storage;

namespace Chain.Node.Production;

/// <summary>What the node keeps beside a decided block, in the block's own write batch: the validator sets of the
/// height after it (<see cref="ValidatorSetStore"/>) and the evidence it carried (<see cref="CommittedEvidence"/>).
/// Every path that commits a block (consensus, block sync) stages them here.</summary>
public static class DecidedBlockRecords
{
    public static void Stage(Block block, HeightStart next, IWriteBatch batch)
    {
        ValidatorSetStore.Stage(next, batch);
        CommittedEvidence.Stage(block.Evidence, batch);
    }
}
