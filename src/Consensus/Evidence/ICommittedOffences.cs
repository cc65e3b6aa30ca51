using Chain.Proto.Types;

namespace Chain.Consensus.Evidence;

/// <summary>The offences already punished by a committed block, as the node keeps them (across restarts).</summary>
public interface ICommittedOffences
{
    bool Contains(DuplicateVoteEvidence evidence);
}
