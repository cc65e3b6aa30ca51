using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Chain.Node.Production;

/// <summary>
/// How long work waits in the consensus inbox before the loop runs it. Every <see cref="Interval"/> a probe is posted
/// and the time until the loop runs it is recorded (chain_consensus_loop_lag_seconds); while a probe waits, its age
/// is reported instead, so a loop that a peer's message keeps busy or freezes shows a growing lag at once, long before
/// missed blocks do. One probe at a time: a stalled loop is not handed a pile of them.
/// </summary>
public sealed class ConsensusLoopLag(ConsensusInbox inbox, NodeMetrics metrics) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private long _pendingSince;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var pending = Interlocked.Read(ref _pendingSince);
                if (pending != 0)
                {
                    metrics.OnLoopLag(Stopwatch.GetElapsedTime(pending), done: false);
                    continue;
                }

                var posted = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref _pendingSince, posted);
                if (!inbox.Post(_ =>
                    {
                        metrics.OnLoopLag(Stopwatch.GetElapsedTime(posted), done: true);
                        Interlocked.Exchange(ref _pendingSince, 0);
                    }))
                {
                    return; // the node is stopping
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
