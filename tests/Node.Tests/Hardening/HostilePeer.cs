using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Node.P2p.Transport;
using Chain.Node.Tests.P2p;
using Chain.Proto.P2p;
using Google.Protobuf;
using Nerdbank.Streams;

namespace Chain.Node.Tests.Hardening;

/// <summary>
/// An adversarial peer for hardening tests: a real peer on loopback that speaks the node's own transport (the
/// <see cref="SecretConnection"/> handshake, then the multiplexed channels, offered as a dialing
/// <see cref="PeerSwitch"/> offers them) and so reaches the node's reactors, but sends whatever a test tells it.
/// <code>
/// await using var peer = await HostilePeer.ConnectAsync(port, chainId);    // handshake + the five channels (from: 127.0.0.2 for another address)
/// await peer.SendAsync(ChannelId.Blocks, envelope);                       // any Envelope on any channel
/// await peer.SendRawAsync(ChannelId.Blocks, bytes);                       // raw bytes on a channel (no prefix added)
/// await peer.SendBelowChannelsAsync(bytes);                               // raw bytes inside sealed frames, below the multiplexer
/// var e = await peer.ReceiveAsync(ChannelId.Blocks, e => e.BlockRequest is not null);  // read what the node sends
/// bool closed = await peer.ClosedByNodeAsync();                            // the node dropped the connection
/// bool refused = await HostilePeer.IsRefusedAsync(port, chainId, peer.Key); // it is banned: a reconnect is closed
/// </code>
/// A channel the test does not read is not drained: after the multiplexer's window the node's sends on it back up,
/// which is how a peer "stops reading". <see cref="HandshakeOnlyAsync"/> authenticates and opens no channel;
/// <see cref="Loopback.ConnectAsync"/> gives a bare socket that never starts the handshake.
/// <see cref="NodeProbe"/> measures the node under attack: its managed memory and working set (the node runs in the
/// test process), and whether it still commits blocks. Every wait is bounded by <see cref="Loopback.Patience"/>.
/// </summary>
public sealed class HostilePeer : IAsyncDisposable
{
    private readonly Dictionary<ChannelId, MultiplexingStream.Channel> _channels;
    private readonly Dictionary<ChannelId, ChannelDescriptor> _descriptors;

    private HostilePeer(PrivateKey key, SecretConnection connection, MultiplexingStream mux, Dictionary<ChannelId, MultiplexingStream.Channel> channels)
    {
        Key = key;
        Connection = connection;
        Mux = mux;
        _channels = channels;
        _descriptors = ChannelDescriptor.All(new P2pOptions { MaxMessageBytes = 1024 * 1024 * 1024 }).ToDictionary(d => d.Id);
    }

    /// <summary>This peer's node key (reuse it to reconnect as the same node id).</summary>
    public PrivateKey Key { get; }

    public NodeId Id => NodeId.FromPublicKey(Key.PublicKey);

    /// <summary>The authenticated connection; writes to it go into sealed frames below the multiplexer.</summary>
    public SecretConnection Connection { get; }

    public MultiplexingStream Mux { get; }

    /// <summary>The NodeInfo a well-behaved peer on <paramref name="chainId"/> sends.</summary>
    public static NodeInfo InfoFor(string chainId, string moniker = "hostile") =>
        new() { ProtocolVersion = PeerSwitch.ProtocolVersion, ChainId = chainId, Moniker = moniker };

    /// <summary>Connects to the node on 127.0.0.1:<paramref name="port"/>, authenticates and opens the five channels.</summary>
    public static async Task<HostilePeer> ConnectAsync(int port, string chainId, PrivateKey? key = null, NodeInfo? info = null, IPAddress? from = null)
    {
        key ??= PrivateKey.Generate();
        var connection = await HandshakeOnlyAsync(port, key, info ?? InfoFor(chainId), from);
        var mux = MultiplexingStream.Create(connection, new MultiplexingStream.Options
        {
            ProtocolMajorVersion = 3,
            TraceSource = new TraceSource("hostile-peer", SourceLevels.Off),
        });
        var channels = new Dictionary<ChannelId, MultiplexingStream.Channel>();
        try
        {
            using var patience = new CancellationTokenSource(Loopback.Patience);
            foreach (var c in ChannelDescriptor.All(new P2pOptions()))
            {
                channels[c.Id] = await mux.OfferChannelAsync(c.Name, patience.Token);
            }
        }
        catch
        {
            await mux.DisposeAsync();
            await connection.DisposeAsync();
            throw;
        }

        return new HostilePeer(key, connection, mux, channels);
    }

    /// <summary>Connects and runs the handshake only: no channel is opened (the connection holds an inbound slot).</summary>
    public static async Task<SecretConnection> HandshakeOnlyAsync(int port, PrivateKey key, NodeInfo info, IPAddress? from = null)
    {
        var raw = await Loopback.ConnectAsync(port, from);
        return await SecretConnection.HandshakeAsync(raw, key, info, null, Loopback.Patience, default);
    }

    /// <summary>
    /// Whether the node refuses <paramref name="key"/> now: a new connection with it fails its handshake or is closed
    /// before its channels open (what a banned node id gets).
    /// </summary>
    public static async Task<bool> IsRefusedAsync(int port, string chainId, PrivateKey key, IPAddress? from = null)
    {
        try
        {
            await using var again = await ConnectAsync(port, chainId, key, from: from);
            return false;
        }
        catch (Exception e) when (e is HandshakeException or IOException or SocketException or ObjectDisposedException
                                      or OperationCanceledException or MultiplexingProtocolException or EndOfStreamException)
        {
            return true;
        }
    }

    /// <summary>Sends one length-delimited <paramref name="message"/> on <paramref name="channel"/>.</summary>
    public Task SendAsync(ChannelId channel, Envelope message) => SendRawAsync(channel, DelimitedMessage.Encode(message));

    /// <summary>Sends <paramref name="bytes"/> as they are on <paramref name="channel"/> (a length prefix is the test's to write).</summary>
    public async Task SendRawAsync(ChannelId channel, ReadOnlyMemory<byte> bytes)
    {
        var output = _channels[channel].Output;
        await output.WriteAsync(bytes);
        await output.FlushAsync();
    }

    /// <summary>Writes <paramref name="bytes"/> straight into sealed frames, where the node's multiplexer reads them.</summary>
    public async Task SendBelowChannelsAsync(ReadOnlyMemory<byte> bytes)
    {
        await Connection.WriteAsync(bytes);
        await Connection.FlushAsync();
    }

    /// <summary>
    /// Reads <paramref name="channel"/> until an envelope that <paramref name="match"/> accepts (any when null) arrives;
    /// null when the channel ends or none came within <see cref="Loopback.Patience"/>.
    /// </summary>
    public async Task<Envelope?> ReceiveAsync(ChannelId channel, Func<Envelope, bool>? match = null)
    {
        using var patience = new CancellationTokenSource(Loopback.Patience);
        try
        {
            while (true)
            {
                var (status, bytes, _) = await DelimitedMessage.ReadAsync(_channels[channel].Input, _descriptors[channel].MaxMessageBytes, patience.Token);
                if (status != DelimitedReadStatus.Message)
                {
                    return null;
                }

                var envelope = Envelope.Parser.ParseFrom(bytes);
                if (match is null || match(envelope))
                {
                    return envelope;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>Whether the node closed this connection (waits at most <see cref="Loopback.Patience"/>).</summary>
    public async Task<bool> ClosedByNodeAsync()
    {
        try
        {
            await Mux.Completion.WaitAsync(Loopback.Patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception)
        {
            return true; // the multiplexer failed: the connection is gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Mux.DisposeAsync();
        }
        catch (Exception)
        {
            // Already failed.
        }

        await Connection.DisposeAsync();
    }
}

/// <summary>What a hardening test measures of a node under attack (see <see cref="HostilePeer"/>).</summary>
public static class NodeProbe
{
    /// <summary>A node serving its Prometheus metrics on a free loopback port, for <see cref="MetricAsync"/>.</summary>
    public static TestNode WithMetrics(out EndpointAddress metrics)
    {
        var address = new EndpointAddress("127.0.0.1", TestNode.FreePort());
        metrics = address;
        return TestNode.WithConfig(c => c with { Metrics = new MetricsOptions { Enabled = true, Address = address } });
    }

    /// <summary>The value of an unlabelled gauge or counter, read from the node's /metrics as Prometheus text.</summary>
    public static async Task<double> MetricAsync(EndpointAddress metrics, string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await http.GetStringAsync($"http://{metrics}/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"metric {name} not found in /metrics");
        return double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Managed heap bytes after a full collection (the in-process node's and the test's).</summary>
    public static long ManagedBytes() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>The test process's working set, which holds the in-process node.</summary>
    public static long WorkingSetBytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>Whether <paramref name="node"/> commits <paramref name="blocks"/> more blocks within <see cref="Loopback.Patience"/> (liveness).</summary>
    public static async Task<bool> KeepsCommittingAsync(TestNode node, ulong blocks = 2)
    {
        var start = (await node.StatusAsync()).LatestHeight;
        try
        {
            await node.WaitForHeightAsync(start + blocks, Loopback.Patience);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// How long the node took to commit its next block: the consensus loop's latency as seen from outside, to print
    /// in a test's output (tests assert behaviour, never this number); null when no block came within the patience.
    /// </summary>
    public static async Task<TimeSpan?> TimeToNextBlockAsync(TestNode node)
    {
        var start = (await node.StatusAsync()).LatestHeight;
        var clock = Stopwatch.StartNew();
        try
        {
            await node.WaitForHeightAsync(start + 1, Loopback.Patience);
            return clock.Elapsed;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
