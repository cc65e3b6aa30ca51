using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Transport;
using Microsoft.Extensions.Logging;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// Keeps a persistent peer connected: dials it, waits while it is connected (in either direction), waits out a ban,
/// and redials after a failure with exponential backoff (p2p.dial_backoff_min..max), the count of failures starting
/// again once connected.
/// </summary>
internal sealed class PersistentPeerLoop(PeerSwitch peers, TimeProvider time, ILogger logger)
{
    private readonly Random _random = new();

    /// <summary>Keeps <paramref name="address"/> connected until <paramref name="ct"/> is cancelled.</summary>
    public async Task KeepConnectedAsync(PeerAddress address, CancellationToken ct)
    {
        var knownId = address.Id;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                if (knownId is { } id)
                {
                    if (peers.TryGetPeer(id, out var connected))
                    {
                        // Connected, in either direction: earlier failures no longer lengthen the next wait.
                        failures = 0;
                        await connected.Completion.WaitAsync(ct);
                        await Task.Delay(peers.Backoff.Delay(0, _random), time, ct);
                        continue;
                    }

                    if (peers.Bans.BannedUntil(id) is { } until)
                    {
                        await Task.Delay(until - time.GetUtcNow() + TimeSpan.FromMilliseconds(10), time, ct);
                        continue;
                    }
                }

                var peer = await peers.DialAsync(address, ct);
                knownId = peer.Id;
                failures = 0;
                continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (e is PeerRefusedException refused)
                {
                    knownId ??= refused.RemoteId;
                }
                else if (e is HandshakeException { RemoteId: { } seen } && address.Id is null)
                {
                    knownId ??= seen;
                }

                delay = peers.Backoff.Delay(failures, _random);
                failures++;
                logger.Log(
                    failures == 1 ? LogLevel.Information : LogLevel.Debug,
                    "Dialing persistent peer {Peer} failed ({Failures} in a row), retrying in {Delay}: {Reason}",
                    address, failures, delay, e is AggregateException a ? a.GetBaseException().Message : e.Message);
            }

            try
            {
                await Task.Delay(delay, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
