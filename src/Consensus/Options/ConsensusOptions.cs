namespace Chain.Consensus.Options;

/// <summary>
/// Timeouts of the Tendermint rounds. Each round-based timeout grows linearly with the round
/// (base + round x delta) so that, after the network stabilises, rounds eventually last long enough
/// for every honest validator to hear from every other one.
/// </summary>
public sealed record ConsensusOptions
{
    public TimeSpan TimeoutPropose { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan TimeoutProposeDelta { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan TimeoutPrevote { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan TimeoutPrevoteDelta { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan TimeoutPrecommit { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan TimeoutPrecommitDelta { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait after a commit, collecting late precommits, before round 0 of the next height.</summary>
    public TimeSpan TimeoutCommit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far ahead of this validator's clock a fresh proposal's block time may be for it to prevote the block
    /// (CometBFT's proposer-based timestamps bound it the same way). A proposer cannot move the chain's time further
    /// into the future than the honest validators' clocks plus this drift.
    /// </summary>
    public TimeSpan MaxClockDrift { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The production defaults (CometBFT's).</summary>
    public static ConsensusOptions Default { get; } = new();

    /// <summary>A fast profile for local testnets and the simulator: blocks every few hundred milliseconds.</summary>
    public static ConsensusOptions Testnet { get; } = new()
    {
        TimeoutPropose = TimeSpan.FromMilliseconds(400),
        TimeoutProposeDelta = TimeSpan.FromMilliseconds(100),
        TimeoutPrevote = TimeSpan.FromMilliseconds(200),
        TimeoutPrevoteDelta = TimeSpan.FromMilliseconds(100),
        TimeoutPrecommit = TimeSpan.FromMilliseconds(200),
        TimeoutPrecommitDelta = TimeSpan.FromMilliseconds(100),
        TimeoutCommit = TimeSpan.FromMilliseconds(100),
    };

    public TimeSpan ProposeTimeout(uint round) => TimeoutPropose + TimeoutProposeDelta * round;

    public TimeSpan PrevoteTimeout(uint round) => TimeoutPrevote + TimeoutPrevoteDelta * round;

    public TimeSpan PrecommitTimeout(uint round) => TimeoutPrecommit + TimeoutPrecommitDelta * round;

    /// <summary>Returns every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Positive(TimeoutPropose, nameof(TimeoutPropose), errors);
        Positive(TimeoutPrevote, nameof(TimeoutPrevote), errors);
        Positive(TimeoutPrecommit, nameof(TimeoutPrecommit), errors);
        NotNegative(TimeoutProposeDelta, nameof(TimeoutProposeDelta), errors);
        NotNegative(TimeoutPrevoteDelta, nameof(TimeoutPrevoteDelta), errors);
        NotNegative(TimeoutPrecommitDelta, nameof(TimeoutPrecommitDelta), errors);
        NotNegative(TimeoutCommit, nameof(TimeoutCommit), errors);
        Positive(MaxClockDrift, nameof(MaxClockDrift), errors);
        TimeSpan ceiling = TimeSpan.FromMinutes(10);
        foreach ((TimeSpan value, string name) in new[]
                 {
                     (TimeoutPropose, nameof(TimeoutPropose)), (TimeoutPrevote, nameof(TimeoutPrevote)),
                     (TimeoutPrecommit, nameof(TimeoutPrecommit)), (TimeoutCommit, nameof(TimeoutCommit)),
                     (MaxClockDrift, nameof(MaxClockDrift)),
                 })
        {
            if (value > ceiling)
            {
                errors.Add($"consensus.{Key(name)} is {value}, more than the ceiling of {ceiling}");
            }
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    public ConsensusOptions EnsureValid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid consensus options: " + string.Join("; ", errors));
        }

        return this;
    }

    private static void Positive(TimeSpan value, string name, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"consensus.{Key(name)} must be positive, was {value}");
        }
    }

    private static void NotNegative(TimeSpan value, string name, List<string> errors)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"consensus.{Key(name)} must not be negative, was {value}");
        }
    }

    /// <summary>The config key of a property: TimeoutCommit is timeout_commit.</summary>
    private static string Key(string property)
    {
        var key = new System.Text.StringBuilder(property.Length + 4);
        foreach (char c in property)
        {
            if (char.IsUpper(c) && key.Length > 0)
            {
                key.Append('_');
            }

            key.Append(char.ToLowerInvariant(c));
        }

        return key.ToString();
    }
}
