namespace Chain.Consensus.Commits;

public enum CommitVerificationError
{
    None = 0,
    WrongHeight,
    WrongBlockId,

    /// <summary>The commit's signature list does not have one entry per validator.</summary>
    WrongSignatureCount,

    /// <summary>A signature names an address that is not the validator at that position (e.g. a non-validator).</summary>
    UnknownValidator,
    BadSignature,

    /// <summary>The valid signatures for the block carry no more than 2/3 of the voting power.</summary>
    InsufficientVotingPower,
    Malformed,
}
