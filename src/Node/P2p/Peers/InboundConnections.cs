using System.Net;
using System.Net.Sockets;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Transport;
using Chain.Proto.P2p;
using Microsoft.Extensions.Logging;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// The listening side of the <see cref="PeerSwitch"/>: accepts connections on p2p.listen_address, runs the handshake
/// of each (at most p2p.max_peers at once; more are closed at once) and hands the authenticated connection to the
/// switch to admit.
/// </summary>
internal sealed class InboundConnections(
    TcpListener listener,
    PrivateKey nodeKey,
    NodeInfo localInfo,
    P2pOptions options,
    Func<SecretConnection, bool, EndPoint?, CancellationToken, Task<IPeer>> admit,
    TimeProvider time,
    ILogger logger)
{
    private readonly SemaphoreSlim _handshakeSlots = new(Math.Max(1, options.MaxPeers));

    /// <summary>Accepts connections until <paramref name="ct"/> is cancelled or the listener stops.</summary>
    public async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors and the like: wait a little rather than spin.
                logger.LogWarning("Accepting a connection failed: {Message}", e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (!_handshakeSlots.Wait(0))
            {
                logger.LogDebug("Refused a connection from {Remote}: too many connections in progress", socket.RemoteEndPoint);
                socket.Dispose();
                continue;
            }

            _ = Task.Run(() => HandleInboundAsync(socket, ct), CancellationToken.None);
        }
    }

    private async Task HandleInboundAsync(Socket socket, CancellationToken ct)
    {
        var remote = socket.RemoteEndPoint;
        try
        {
            socket.NoDelay = true;
            var connection = await SecretConnection.HandshakeAsync(
                new NetworkStream(socket, ownsSocket: true), nodeKey, localInfo, null, options.HandshakeTimeout, ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.HandshakeTimeout);
            await admit(connection, false, remote, timeout.Token);
        }
        catch (HandshakeException e)
        {
            logger.LogInformation("Refused a connection from {Remote}: {Reason}", remote, e.Message);
        }
        catch (PeerRefusedException e)
        {
            logger.LogInformation("Refused a connection from {Remote}: {Reason}", remote, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogDebug("A connection from {Remote} failed: {Message}", remote, e.Message);
        }
        finally
        {
            _handshakeSlots.Release();
            if (!socket.Connected)
            {
                socket.Dispose();
            }
        }
    }
}
