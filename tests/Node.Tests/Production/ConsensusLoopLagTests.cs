using Chain.Node.Production;
using Chain.Node.Tests.P2p;
using Prometheus;

namespace Chain.Node.Tests.Production;

/// <summary>The consensus loop probe reports a loop that runs nothing as a growing lag, and a probe once it runs.</summary>
public sealed class ConsensusLoopLagTests
{
    [Fact]
    public async Task A_loop_that_runs_nothing_shows_a_growing_lag_and_the_probe_is_recorded_once_it_runs()
    {
        var registry = Metrics.NewCustomRegistry();
        var inbox = new ConsensusInbox();
        var probe = new ConsensusLoopLag(inbox, new NodeMetrics(registry));
        await probe.StartAsync(CancellationToken.None);
        try
        {
            // Nobody reads the inbox: the first probe waits and its age is reported as the lag.
            Assert.True(await Loopback.EventuallyAsync(() => Gauge(registry, "chain_consensus_loop_lag_now_seconds") >= 1.0), "the waiting probe's age was never reported");
            Assert.True(inbox.Reader.TryRead(out var first));
            Assert.False(inbox.Reader.TryRead(out _)); // one probe at a time, not one per tick

            first!(null!);
            Assert.True(Gauge(registry, "chain_consensus_loop_lag_max_seconds") >= 1.0);
            Assert.Equal(1, HistogramCount(registry, "chain_consensus_loop_lag_seconds"));

            // Once that probe ran, the next is posted.
            Assert.True(await Loopback.EventuallyAsync(() => inbox.Reader.TryPeek(out _)), "no probe followed the one that ran");
        }
        finally
        {
            await probe.StopAsync(CancellationToken.None);
        }
    }

    private static double Gauge(CollectorRegistry registry, string name) => Read(registry, name + " ");

    private static long HistogramCount(CollectorRegistry registry, string name) => (long)Read(registry, name + "_count ");

    private static double Read(CollectorRegistry registry, string prefix)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
