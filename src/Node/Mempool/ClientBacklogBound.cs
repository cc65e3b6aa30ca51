using Chain.Node.Config;

namespace Chain.Node.Mempool;

/// <summary>
/// How many txs (pooled and queued) a node still takes from its clients: <see cref="MempoolOptions.ClientBacklog"/>
/// seconds of the commit rate over the last <see cref="RateWindow"/> blocks, at least
/// <see cref="MempoolOptions.ClientBacklogMinTxs"/>, at most <see cref="MempoolOptions.MaxTxs"/>. Commits are recorded
/// by one thread at a time (the pool's lock); the bound and the rate are read without it.
/// </summary>
internal sealed class ClientBacklogBound
{
    private const int RateWindow = 4;
    private readonly MempoolOptions _options;
    private readonly TimeProvider _clock;
    /// <summary>Recent blocks' commit moments (UTC ticks) and tx counts.</summary>
    private readonly Queue<(long At, int Txs)> _commits = new();
    private int _limit;
    private double _rate;

    public ClientBacklogBound(MempoolOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _limit = LimitFor(0);
    }

    public int Limit => Volatile.Read(ref _limit);

    /// <summary>Txs per second committed over the window (0 before two blocks).</summary>
    public double CommitRate => Volatile.Read(ref _rate);

    /// <summary>Records a block's commit and updates the rate and the bound.</summary>
    public void RecordCommit(int txs)
    {
        _commits.Enqueue((_clock.GetUtcNow().UtcTicks, txs)); // wall clock: a step of it only skews one estimate
        while (_commits.Count > RateWindow)
        {
            _commits.Dequeue();
        }

        double rate = 0;
        if (_commits.Count >= 2)
        {
            // The first block's txs were committed before the window's first moment: they do not count.
            var (first, firstTxs) = _commits.Peek();
            var last = 0L;
            long txsInWindow = -firstTxs;
            foreach (var (at, n) in _commits)
            {
                last = at;
                txsInWindow += n;
            }

            var seconds = TimeSpan.FromTicks(last - first).TotalSeconds;
            rate = seconds > 0 ? txsInWindow / seconds : 0;
        }

        Volatile.Write(ref _rate, rate);
        Volatile.Write(ref _limit, LimitFor(rate));
    }

    private int LimitFor(double rate)
    {
        if (_options.ClientBacklog <= TimeSpan.Zero)
        {
            return _options.MaxTxs;
        }

        var bound = Math.Max(_options.ClientBacklogMinTxs, rate * _options.ClientBacklog.TotalSeconds);
        return (int)Math.Min(_options.MaxTxs, bound);
    }
}
