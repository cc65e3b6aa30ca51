namespace Chain.Node.Config;

/// <summary>
/// [testing]: deliberate misbehaviour for tests of the chain's defences. Test only: never set on a real validator.
/// </summary>
public sealed record TestingOptions
{
    /// <summary>
    /// 0 = off. At this height, the first prevote this validator signs (in each run of the process) is followed by a
    /// second, conflicting prevote for the same height and round (nil against a block, or a made-up block against
    /// nil), signed past the double-sign guard and sent to every peer, so peers produce DuplicateVoteEvidence and
    /// the validator is slashed.
    /// </summary>
    public ulong DoubleSignAtHeight { get; init; }

    /// <summary>Zero = off. Added to this validator's clock when it sets the time of a block it proposes, so it
    /// proposes blocks from the future (or the past) and peers' timeliness checks can be tested.</summary>
    public TimeSpan ProposeTimeOffset { get; init; }
}
