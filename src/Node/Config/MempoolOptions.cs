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

    /// <summary>Re-run CheckTx on the remaining txs after each block.</summary>
    public bool Recheck { get; init; } = true;

    /// <summary>How many recently seen tx hashes are remembered to answer duplicates (0 = none).</summary>
    public int CacheSize { get; init; } = 10_000;
}
