namespace Chain.LoadGen;

/// <summary>
/// A block as the watcher saw it: when (seconds from the start), its header time, all its txs and ours, and the
/// consensus round in which the previous height was decided (from this block's last commit; above 0 = timeouts).
/// </summary>
public sealed record BlockSeen(ulong Height, double SeenAt, long HeaderTimeUnixNanos, int Txs, int OurTxs, uint PreviousHeightRound)
{
    /// <summary>Commit latency of our txs in this block (send to the moment the block was read); null when it held none
    /// of ours, or in reports written before it was recorded.</summary>
    public Percentiles? OurLatencyMs { get; init; }
}
