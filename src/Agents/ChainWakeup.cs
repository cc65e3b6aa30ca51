using Chain.Proto.NodeService;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chain.Agents;

/// <summary>
/// Wakes an agent when the node's event stream reports a new height, so it acts within a block instead of a poll
/// interval; the agent still polls, so a dropped stream (reconnected after a pause) costs only latency, never a step.
/// </summary>
public sealed class ChainWakeup(GrpcChannel channel, AgentLog log)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Follows the stream until <paramref name="ct"/> ends, reconnecting after a failure.</summary>
    public async Task FollowAsync(CancellationToken ct)
    {
        ulong last = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var call = new Events.EventsClient(channel).Subscribe(new SubscribeRequest(), cancellationToken: ct);
                while (await call.ResponseStream.MoveNext(ct))
                {
                    if (call.ResponseStream.Current.Height > last)
                    {
                        last = call.ResponseStream.Current.Height;
                        Signal();
                    }
                }
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                log.Warn($"event stream lost ({e.StatusCode}); reconnecting in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until the stream reports a new height or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _signal.WaitAsync(timeout, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

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
