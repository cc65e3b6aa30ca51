namespace Chain.Node.Config;

/// <summary>[mempool]: limits of the pool of txs waiting for a block.</summary>
public sealed record MempoolOptions
{
    /// <summary>Most txs held; past it the lowest fee is evicted.</summary>
    public int MaxTxs { get; init; } = 10_000;

    /// <summary>Most total bytes of txs held (64 MiB).</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most txs whose signature is checked and that wait for their turn at the pool; past it a tx is refused at once
    /// ("mempool is full"), so an overloaded node answers the excess quickly instead of queueing it.
    /// </summary>
    public int MaxPending { get; init; } = 5_000;

    /// <summary>
    /// How much backlog the pool takes from this node's clients, in seconds of what the chain recently committed: past
    /// <c>max(ClientBacklogMinTxs, commit rate x ClientBacklog)</c> txs (pool and queue) a client's tx is refused at once
    /// as "mempool is full" (decoded to read its fee, but before its signature check and without waiting for a block in
    /// progress), unless it pays more per gas than the cheapest pooled tx. Txs relayed by peers may still fill the pool to
    /// <see cref="MaxTxs"/>: the room above the client bound keeps every pool able to hold what the others admitted, so
    /// any proposer can include it. Zero turns the bound off (clients fill the pool to <see cref="MaxTxs"/>).
    /// 1.5 s: at twice the rate the 4-validator testnet sustains, 2 s let the p99 commit latency reach 5.7 s, 1.5 s kept it
    /// at 3.9 s with more committed (docs/benchmarks.md, "Fewer allocations per block").
    /// </summary>
    public TimeSpan ClientBacklog { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>The client bound never falls below this many txs (nor rises above <see cref="MaxTxs"/>).</summary>
    public int ClientBacklogMinTxs { get; init; } = 1_000;

    /// <summary>Re-run CheckTx on the remaining txs after each block.</summary>
    public bool Recheck { get; init; } = true;

    /// <summary>How many recently seen tx hashes are remembered to answer duplicates (0 = none).</summary>
    public int CacheSize { get; init; } = 10_000;
}
