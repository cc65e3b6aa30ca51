using System.Net;
using System.Net.Sockets;

namespace Chain.Node.Tests.P2p;

/// <summary>
/// A loopback relay in front of each of two listeners that holds every connection until both relays
/// have received one, and only then passes bytes through: two nodes that dial each other through it
/// are connecting at the same moment, whatever the timing of their dials.
/// </summary>
internal sealed class CrossingRelay : IAsyncDisposable
{
    private readonly TcpListener _toA = new(IPAddress.Loopback, 0);
    private readonly TcpListener _toB = new(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource _bothDialed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private int _connectionsToA;
    private int _connectionsToB;

    private CrossingRelay()
    {
    }

    /// <summary>Where to dial A (B's dials go here).</summary>
    public int PortToA => ((IPEndPoint)_toA.LocalEndpoint).Port;

    /// <summary>Where to dial B (A's dials go here).</summary>
    public int PortToB => ((IPEndPoint)_toB.LocalEndpoint).Port;

    /// <summary>Connections the relay received for A.</summary>
    public int ConnectionsToA => Volatile.Read(ref _connectionsToA);

    /// <summary>Connections the relay received for B.</summary>
    public int ConnectionsToB => Volatile.Read(ref _connectionsToB);

    /// <summary>Relays to A listening on <paramref name="portA"/> and B on <paramref name="portB"/>.</summary>
    public static CrossingRelay Start(int portA, int portB)
    {
        var relay = new CrossingRelay();
        relay._toA.Start();
        relay._toB.Start();
        lock (relay._sockets)
        {
            relay._loops.Add(Task.Run(() => relay.AcceptLoopAsync(relay._toA, portA, toA: true)));
            relay._loops.Add(Task.Run(() => relay.AcceptLoopAsync(relay._toB, portB, toA: false)));
        }
        return relay;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _toA.Stop();
        _toB.Stop();
        Task[] loops;
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
            loops = [.. _loops];
        }

        try
        {
            await Task.WhenAll(loops);
        }
        catch (Exception)
        {
            // Closed under a loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener, int target, bool toA)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Track(socket);
            var toAs = toA ? Interlocked.Increment(ref _connectionsToA) : Volatile.Read(ref _connectionsToA);
            var toBs = toA ? Volatile.Read(ref _connectionsToB) : Interlocked.Increment(ref _connectionsToB);
            if (toAs > 0 && toBs > 0)
            {
                _bothDialed.TrySetResult();
            }

            lock (_sockets)
            {
                _loops.Add(Task.Run(() => PipeAsync(socket, target)));
            }
        }
    }

    private async Task PipeAsync(Socket dialer, int target)
    {
        try
        {
            await _bothDialed.Task.WaitAsync(_stop.Token);
            var listener = Track(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            await listener.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
            await using var one = new NetworkStream(dialer, ownsSocket: true);
            await using var other = new NetworkStream(listener, ownsSocket: true);
            await Task.WhenAny(one.CopyToAsync(other, _stop.Token), other.CopyToAsync(one, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Either end closed, or the relay stopped.
        }
        finally
        {
            dialer.Dispose();
        }
    }

    private Socket Track(Socket socket)
    {
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return socket;
    }
}
