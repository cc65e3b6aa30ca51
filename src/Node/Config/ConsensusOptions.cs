namespace Chain.Node.Config;

/// <summary>[consensus]: round timeouts. A round's timeout is the base plus round x delta.</summary>
public sealed record ConsensusOptions
{
    /// <summary>How long to wait for a proposal before prevoting nil.</summary>
    public TimeSpan TimeoutPropose { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan TimeoutProposeDelta { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait after +2/3 of any prevotes before precommitting nil.</summary>
    public TimeSpan TimeoutPrevote { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan TimeoutPrevoteDelta { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait after +2/3 of any precommits before moving to the next round.</summary>
    public TimeSpan TimeoutPrecommit { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan TimeoutPrecommitDelta { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Pause after a commit before starting the next height (sets the block time).</summary>
    public TimeSpan TimeoutCommit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The propose timeout of <paramref name="round"/>.</summary>
    public TimeSpan ProposeTimeout(int round) => TimeoutPropose + (TimeoutProposeDelta * round);

    public TimeSpan PrevoteTimeout(int round) => TimeoutPrevote + (TimeoutPrevoteDelta * round);

    public TimeSpan PrecommitTimeout(int round) => TimeoutPrecommit + (TimeoutPrecommitDelta * round);
}
