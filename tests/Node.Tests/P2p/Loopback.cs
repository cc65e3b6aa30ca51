using System.Net;
using System.Net.Sockets;

namespace Chain.Node.Tests.P2p;

/// <summary>Real TCP connections on 127.0.0.1 for transport tests.</summary>
internal static class Loopback
{
    /// <summary>Generous bound so a broken test fails instead of hanging; never a speed assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A base port whose testnet ports for <paramref name="nodes"/> nodes are all free now.</summary>
    public static int FreeBasePort(int nodes)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = Random.Shared.Next(20_000, 60_000);
            var listeners = new List<TcpListener>();
            try
            {
                for (var i = 0; i < nodes; i++)
                {
                    for (var offset = 0; offset < 3; offset++)
                    {
                        var l = new TcpListener(IPAddress.Loopback, candidate + (10 * i) + offset);
                        l.Start();
                        listeners.Add(l);
                    }
                }

                return candidate;
            }
            catch (SocketException)
            {
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }

        throw new InvalidOperationException("no free range of ports");
    }

    /// <summary>Both ends of one fresh connection.</summary>
    public static async Task<(NetworkStream Client, NetworkStream Server)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connect = client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var server = await listener.AcceptSocketAsync();
        await connect;
        return (new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    /// <summary>A raw connection to 127.0.0.1:<paramref name="port"/>, from <paramref name="from"/> (another 127.x address) when given.</summary>
    public static async Task<NetworkStream> ConnectAsync(int port, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Whether the remote closed <paramref name="stream"/>: a read ends or fails (waits at most <see cref="Patience"/>).</summary>
    public static async Task<bool> IsClosedByRemoteAsync(Stream stream)
    {
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                if (await stream.ReadAsync(buffer, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false when it still does not after <see cref="Patience"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
