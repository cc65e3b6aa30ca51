using Chain.Proto.NodeService;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chain.Agents;

/// <summary>
/// Wakes an agent when the node's event stream reports one of the events it cares about (all events when none are
/// named), so it acts within a block instead of a poll interval. The agent still polls, so a lost stream (logged once,
/// reconnected every poll interval) costs only latency, never a step.
/// </summary>
public sealed class ChainWakeup(GrpcChannel channel, AgentLog log, TimeSpan retry, IReadOnlyList<string>? eventTypes = null)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Follows the stream until <paramref name="ct"/> ends, reconnecting after a failure.</summary>
    public async Task FollowAsync(CancellationToken ct)
    {
        var lost = false;
        var request = new SubscribeRequest();
        request.EventTypes.AddRange(eventTypes ?? []);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var call = new Events.EventsClient(channel).Subscribe(request, cancellationToken: ct);
                while (await call.ResponseStream.MoveNext(ct))
                {
                    if (lost)
                    {
                        log.Info("event stream reconnected");
                        lost = false;
                    }

                    Signal();
                }
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                if (!lost)
                {
                    log.Warn($"event stream lost ({e.Message}); polling and reconnecting every {retry.TotalSeconds:0.###} s");
                }

                lost = true;
            }

            try
            {
                await Task.Delay(retry, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until the stream reports an event or <paramref name="timeout"/> passes; throws when <paramref name="ct"/> ends.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct) => await _signal.WaitAsync(timeout, ct);

    private void Signal()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }
}
