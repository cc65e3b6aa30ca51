namespace Chain.State.Modules;

/// <summary>
/// The block being executed (or, for CheckTx, the next one), as every module's BeginBlock sees it: height, time,
/// proposer, the previous block's hash, who signed the previous block's commit with what power (<see cref="LastCommitVotes"/>, empty at the
/// first height and where the caller does not know the previous validator set) and the misbehaviour the block's
/// evidence proves (<see cref="Evidence"/>).
/// </summary>
public sealed record BlockInfo(string ChainId, ulong Height, long TimeUnixNanos, byte[] ProposerAddress)
{
    /// <summary>The hash of the previous block (the header's last_block_id); empty at the first height and outside block execution.</summary>
    public byte[] LastBlockHash { get; init; } = [];

    /// <summary>One entry per validator of the previous height, in validator-set order.</summary>
    public IReadOnlyList<VoteInfo> LastCommitVotes { get; init; } = [];

    /// <summary>One entry per piece of evidence in the block, in block order.</summary>
    public IReadOnlyList<Misbehavior> Evidence { get; init; } = [];
}
