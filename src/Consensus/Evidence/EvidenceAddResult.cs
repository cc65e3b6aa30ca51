namespace Chain.Consensus.Evidence;

public enum EvidenceAddResult
{
    Added,
    Duplicate,
    AlreadyCommitted,
    Invalid,

    /// <summary>The pool is at its item or byte limit.</summary>
    Full,

    /// <summary>Older than the evidence max age (not the sender's fault: it may have been fresh when sent).</summary>
    Expired,
}
