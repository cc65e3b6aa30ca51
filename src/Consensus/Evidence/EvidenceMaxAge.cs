namespace Chain.Consensus.Evidence;

/// <summary>
/// How old evidence may be and still be accepted, from peers or in a block (CometBFT's evidence max_age_num_blocks and
/// max_age_duration): evidence is expired once it is more than <see cref="Blocks"/> blocks <b>and</b> more than
/// <see cref="Duration"/> older than the last committed block. Every node must apply the same limits (a block's
/// validity depends on them), so they are chain-wide constants, not node config.
/// </summary>
public sealed record EvidenceMaxAge(ulong Blocks, TimeSpan Duration)
{
    /// <summary>100,000 blocks and 48 hours (CometBFT's defaults and this chain's default slashing max_evidence_age):
    /// well inside the 21-day unbonding time, so an offender's stake is still bonded when it is slashed.</summary>
    public static EvidenceMaxAge Default { get; } = new(100_000, TimeSpan.FromHours(48));

    /// <summary>Whether evidence of <paramref name="evidenceHeight"/> at <paramref name="evidenceTimeUnixNanos"/> is
    /// too old against a last committed block of <paramref name="height"/> at <paramref name="timeUnixNanos"/>.</summary>
    public bool IsExpired(ulong evidenceHeight, long evidenceTimeUnixNanos, ulong height, long timeUnixNanos)
    {
        bool oldInBlocks = height > evidenceHeight && height - evidenceHeight > Blocks;
        // time > evidence time, so the difference fits a ulong (a signed vote may carry any timestamp).
        bool oldInTime = timeUnixNanos > evidenceTimeUnixNanos &&
                         unchecked((ulong)(timeUnixNanos - evidenceTimeUnixNanos)) / 100UL > (ulong)Math.Max(0, Duration.Ticks);
        return oldInBlocks && oldInTime;
    }
}
