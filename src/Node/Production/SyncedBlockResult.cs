namespace Chain.Node.Production;

/// <summary>What became of a block from block sync: applied, not the next height (stale, nothing wrong), or
/// refused with the reason (the peer that sent it misbehaved).</summary>
public sealed record SyncedBlockResult(SyncedBlockOutcome Outcome, string? Reason = null)
{
    public static SyncedBlockResult Applied { get; } = new(SyncedBlockOutcome.Applied);
}
