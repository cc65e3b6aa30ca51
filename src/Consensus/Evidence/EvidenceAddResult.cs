namespace Chain.Consensus.Evidence;

public enum EvidenceAddResult
{
    Added,
    Duplicate,
    AlreadyCommitted,
    Invalid,
}
