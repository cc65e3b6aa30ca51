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
/// switch to admit. At most p2p.max_inbound_per_address connections from one IP address are open at once, from accept
/// until the peer closes; more are closed before the handshake, and so is any connection from a banned address.
/// </summary>
internal sealed class InboundConnections(
    TcpListener listener,
    PrivateKey nodeKey,
    NodeInfo localInfo,
    P2pOptions options,
    BanList bans,
    Func<SecretConnection, bool, EndPoint?, CancellationToken, Task<IPeer>> admit,
    TimeProvider time,
    ILogger logger)
{
    private readonly SemaphoreSlim _handshakeSlots = new(Math.Max(1, options.MaxPeers));
    private readonly Dictionary<IPAddress, int> _perAddress = [];

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

            var address = AddressOf(socket);
            if (bans.BannedUntil(address) is { } until)
            {
                logger.LogDebug("Refused a connection from {Remote}: the address is banned until {Until:u}", socket.RemoteEndPoint, until);
                socket.Dispose();
                continue;
            }

            if (!TryTakeAddress(address))
            {
                logger.LogDebug("Refused a connection from {Remote}: {Limit} connections from that address are open (p2p.max_inbound_per_address)", socket.RemoteEndPoint, options.MaxInboundPerAddress);
                socket.Dispose();
                continue;
            }

            if (!_handshakeSlots.Wait(0))
            {
                ReleaseAddress(address);
                logger.LogDebug("Refused a connection from {Remote}: too many connections in progress", socket.RemoteEndPoint);
                socket.Dispose();
                continue;
            }

            _ = Task.Run(() => HandleInboundAsync(socket, address, ct), CancellationToken.None);
        }
    }

    private static IPAddress AddressOf(Socket socket) =>
        socket.RemoteEndPoint is IPEndPoint { Address: var a } ? (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a) : IPAddress.None;

    private bool TryTakeAddress(IPAddress address)
    {
        lock (_perAddress)
        {
            var open = _perAddress.GetValueOrDefault(address);
            if (open >= options.MaxInboundPerAddress)
            {
                return false;
            }

            _perAddress[address] = open + 1;
            return true;
        }
    }

    private void ReleaseAddress(IPAddress address)
    {
        lock (_perAddress)
        {
            if (_perAddress.TryGetValue(address, out var open) && open > 1)
            {
                _perAddress[address] = open - 1;
            }
            else
            {
                _perAddress.Remove(address);
            }
        }
    }

    private async Task HandleInboundAsync(Socket socket, IPAddress address, CancellationToken ct)
    {
        var remote = socket.RemoteEndPoint;
        var addressHeld = true;
        try
        {
            socket.NoDelay = true;
            var connection = await SecretConnection.HandshakeAsync(
                new NetworkStream(socket, ownsSocket: true), nodeKey, localInfo, null, options.HandshakeTimeout, ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.HandshakeTimeout);
            var peer = await admit(connection, false, remote, timeout.Token);

            // The address's slot stays taken while the peer is connected.
            addressHeld = false;
            _ = peer.Completion.ContinueWith(_ => ReleaseAddress(address), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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
            if (addressHeld)
            {
                ReleaseAddress(address);
            }

            _handshakeSlots.Release();
            if (!socket.Connected)
            {
                socket.Dispose();
            }
        }
    }
}
