using Chain.State.Execution;
using Prometheus;

namespace Chain.Node.Production;

/// <summary>Prometheus metrics of the node (served as text on metrics.address).</summary>
public sealed class NodeMetrics
{
    private readonly Gauge _height;
    private readonly Gauge _round;
    private readonly Gauge _peers;
    private readonly Gauge _mempoolSize;
    private readonly Counter _txs;
    private readonly Histogram _blockInterval;
    private readonly Histogram _commitSeconds;
    private readonly Histogram _loopLag;
    private readonly Gauge _loopLagNow;
    private readonly Gauge _loopLagMax;
    private readonly Gauge _syncCatchingUp;
    private readonly Gauge _syncTargetHeight;
    private readonly Gauge _syncBlocksPerSecond;
    private readonly Gauge _syncSecondsLeft;
    private readonly Counter _valueCacheHits;
    private readonly Counter _valueCacheMisses;
    private readonly Gauge _valueCacheBytes;
    private readonly CollectorRegistry _registry;
    private long _lastBlockNanos;

    public NodeMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _height = factory.CreateGauge("chain_height", "Height of the last committed block.");
        _round = factory.CreateGauge("chain_consensus_round", "Consensus round of the last committed block.");
        _peers = factory.CreateGauge("chain_p2p_peers", "Connected peers.");
        _mempoolSize = factory.CreateGauge("chain_mempool_size", "Txs in the mempool.");
        _txs = factory.CreateCounter("chain_txs_total", "Txs committed in blocks.");
        _blockInterval = factory.CreateHistogram("chain_block_interval_seconds", "Time between consecutive block times.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 10) });
        _commitSeconds = factory.CreateHistogram("chain_block_commit_seconds", "Time to write a block and its state.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 12) });
        _loopLag = factory.CreateHistogram("chain_consensus_loop_lag_seconds", "Time work waited in the consensus inbox before the loop ran it (a probe every 250 ms).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        _loopLagNow = factory.CreateGauge("chain_consensus_loop_lag_now_seconds", "The last probe's wait, or the age of the probe still waiting.");
        _loopLagMax = factory.CreateGauge("chain_consensus_loop_lag_max_seconds", "The longest consensus inbox wait seen since the node started.");
        _syncCatchingUp = factory.CreateGauge("chain_sync_catching_up", "1 while block sync is catching up with peers, else 0.");
        _syncTargetHeight = factory.CreateGauge("chain_sync_target_height", "Highest height a connected peer reports.");
        _syncBlocksPerSecond = factory.CreateGauge("chain_sync_blocks_per_second", "Blocks applied by block sync per second, over the last 10 s.");
        _syncSecondsLeft = factory.CreateGauge("chain_sync_seconds_left", "Estimated seconds until caught up at that rate (0 when caught up or unknown).");
        _valueCacheHits = factory.CreateCounter("chain_state_value_cache_hits_total", "Reads of committed state served by the value cache (state.value_cache_bytes).");
        _valueCacheMisses = factory.CreateCounter("chain_state_value_cache_misses_total", "Reads of committed state the value cache sent to RocksDB.");
        _valueCacheBytes = factory.CreateGauge("chain_state_value_cache_bytes", "Bytes the value cache holds (keys, values and their overhead).");
        _registry = registry;
        _peers.Set(0);
        _round.Set(0);
    }

    /// <summary>Reads <paramref name="progress"/> into the chain_sync_* gauges before every scrape.</summary>
    public void TrackSync(Func<Chain.Node.Reactors.SyncStatus> progress) =>
        _registry.AddBeforeCollectCallback(() =>
        {
            var status = progress();
            _syncCatchingUp.Set(status.CatchingUp ? 1 : 0);
            _syncTargetHeight.Set(status.TargetHeight);
            _syncBlocksPerSecond.Set(status.BlocksPerSecond);
            _syncSecondsLeft.Set(status.SecondsLeft);
        });

    /// <summary>The round in which the last block was decided.</summary>
    public void OnRound(uint round) => _round.Set(round);

    /// <summary>Sets the connected-peers gauge (chain_p2p_peers).</summary>
    public void SetPeers(int count) => _peers.Set(count);

    /// <summary>A consensus loop probe waited <paramref name="lag"/>; <paramref name="done"/> once it ran (else it still waits).</summary>
    public void OnLoopLag(TimeSpan lag, bool done)
    {
        var seconds = lag.TotalSeconds;
        if (done)
        {
            _loopLag.Observe(seconds);
        }

        _loopLagNow.Set(seconds);
        _loopLagMax.IncTo(seconds);
    }

    /// <summary>Reads the value cache's counts into the chain_state_value_cache_* metrics (nothing when it is off).</summary>
    public void OnValueCache(Chain.State.Store.CommittedValueCache? cache)
    {
        if (cache is null)
        {
            return;
        }

        _valueCacheHits.IncTo(cache.Hits);
        _valueCacheMisses.IncTo(cache.Misses);
        _valueCacheBytes.Set(cache.Bytes);
    }

    public void OnBlock(BlockExecution execution, int mempoolSize, double commitSeconds)
    {
        var header = execution.Block.Header;
        _height.Set(header.Height);
        _mempoolSize.Set(mempoolSize);
        _txs.Inc(execution.Block.Data.Txs.Count);
        _commitSeconds.Observe(commitSeconds);
        if (_lastBlockNanos != 0)
        {
            _blockInterval.Observe((header.TimeUnixNanos - _lastBlockNanos) / 1e9);
        }

        _lastBlockNanos = header.TimeUnixNanos;
    }
}
