using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Peers;
using Chain.Node.Tests.P2p;
using Chain.Proto.P2p;
using Chain.Proto.Types;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Hardening;

/// <summary>What hostile peers can make a <see cref="PeerSwitch"/> hold: memory, connections and slots.</summary>
[Collection(MeasuresMemory.Name)]
public sealed class TransportLimitsTests : IAsyncLifetime
{
    private readonly List<PeerSwitch> _switches = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _switches)
        {
            await s.DisposeAsync();
        }
    }

    private async Task<PeerSwitch> StartAsync(P2pOptions? options = null, params IReactor[] reactors)
    {
        options ??= new P2pOptions();
        var s = new PeerSwitch(PrivateKey.Generate(), "test-chain", "node", options with { ListenAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort()) }, NullLogger<PeerSwitch>.Instance);
        foreach (var reactor in reactors)
        {
            s.AddReactor(reactor);
        }

        _switches.Add(s);
        await s.StartAsync(default);
        return s;
    }

    [Fact]
    public async Task A_length_prefix_of_the_largest_message_allocates_only_the_bytes_that_arrived()
    {
        var node = await StartAsync();
        var before = NodeProbe.ManagedBytes();
        var peers = new List<HostilePeer>();
        try
        {
            // Each peer announces a message of the largest size on the three large channels and sends 256 KiB of it.
            var announced = new byte[DelimitedMessage.MaxPrefixSize + (256 * 1024)];
            var prefix = new Google.Protobuf.CodedOutputStream(announced);
            prefix.WriteLength(node.Channels[0].MaxMessageBytes);
            prefix.Flush();
            var sent = announced.AsMemory(0, (int)prefix.Position + (256 * 1024));
            for (var i = 0; i < 4; i++)
            {
                var peer = await HostilePeer.ConnectAsync(node.ListenEndPoint!.Port, node.ChainId);
                peers.Add(peer);
                foreach (var channel in new[] { ChannelId.Consensus, ChannelId.Mempool, ChannelId.Blocks })
                {
                    await peer.SendRawAsync(channel, sent);
                }
            }

            Assert.True(await Loopback.EventuallyAsync(() => node.Peers.Count == 4));
            var grown = NodeProbe.ManagedBytes() - before;

            // 12 announcements of 8 MiB are 96 MiB if allocated up front; as the bytes arrive, about 3 MiB.
            Assert.True(grown < 32L * 1024 * 1024, $"the node holds {grown / 1024} KiB more for 12 unfinished messages");
            Assert.Equal(4, node.Peers.Count);
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }
    [Fact]
    public async Task A_peer_that_asks_for_large_answers_and_stops_reading_gets_at_most_its_byte_cap_queued()
    {
        var answers = new LargeAnswers();
        var node = await StartAsync(null, answers);
        await using var peer = await HostilePeer.ConnectAsync(node.ListenEndPoint!.Port, node.ChainId);

        // 200 requests, each answered with 1 MiB, and the peer never reads the blocks channel.
        for (ulong h = 1; h <= 200; h++)
        {
            await peer.SendAsync(ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = h } });
        }

        Assert.True(await Loopback.EventuallyAsync(() => answers.Asked == 200));

        // What got queued is bounded by p2p.send_queue_max_bytes, plus what the connection holds in flight.
        var cap = new P2pOptions().SendQueueMaxBytes;
        Assert.True(answers.Queued * LargeAnswers.Size <= cap + InFlightBytes, $"{answers.Queued} answers of 1 MiB were queued");
        Assert.Single(node.Peers);
    }

    [Fact]
    public async Task Peers_that_stop_reading_together_get_at_most_the_total_byte_cap_queued()
    {
        var answers = new LargeAnswers();
        var total = 24 * LargeAnswers.Size;
        var node = await StartAsync(new P2pOptions { SendQueueTotalBytes = total }, answers);
        var peers = new List<HostilePeer>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var peer = await HostilePeer.ConnectAsync(node.ListenEndPoint!.Port, node.ChainId);
                peers.Add(peer);
                for (ulong h = 1; h <= 50; h++)
                {
                    await peer.SendAsync(ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = h } });
                }
            }

            Assert.True(await Loopback.EventuallyAsync(() => answers.Asked == 200));
            Assert.True(answers.Queued * LargeAnswers.Size <= total + (4 * InFlightBytes), $"{answers.Queued} answers of 1 MiB were queued");
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Connections_from_one_address_beyond_the_per_address_limit_are_closed_before_the_handshake()
    {
        // A handshake timeout far beyond the test's patience, so only the per-address limit can close a connection.
        var node = await StartAsync(new P2pOptions { MaxInboundPerAddress = 2, HandshakeTimeout = TimeSpan.FromMinutes(10) });
        var port = node.ListenEndPoint!.Port;

        // Two bare sockets from 127.0.0.1 that never start the handshake hold that address's slots ...
        await using var first = await Loopback.ConnectAsync(port);
        await using var second = await Loopback.ConnectAsync(port);

        // ... so a third connection from it is closed at once, and the node keeps its other slots for other addresses.
        await using var third = await Loopback.ConnectAsync(port);
        Assert.True(await Loopback.IsClosedByRemoteAsync(third));
        Assert.Empty(node.Peers);
    }

    [Fact]
    public async Task A_peer_that_sends_nothing_is_dropped_after_the_idle_timeout_and_one_that_pings_is_kept()
    {
        var node = await StartAsync(new P2pOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        var other = await StartAsync(new P2pOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        await other.DialAsync(Chain.Node.P2p.Identity.PeerAddress.Parse($"{node.NodeId}@127.0.0.1:{node.ListenEndPoint!.Port}"), default);
        await using var silent = await HostilePeer.ConnectAsync(node.ListenEndPoint!.Port, node.ChainId);

        Assert.True(await silent.ClosedByNodeAsync());

        // Two switches with nothing to say keep each other: each pings the other while idle.
        Assert.True(node.TryGetPeer(other.NodeId, out _));
        Assert.True(other.TryGetPeer(node.NodeId, out _));
    }

    /// <summary>What a peer's connection can hold beyond its send queue: a flush batch and the multiplexer's window.</summary>
    private const long InFlightBytes = 4L * 1024 * 1024;

    /// <summary>Answers every block request with 1 MiB, as block sync answers with a large block.</summary>
    private sealed class LargeAnswers : IReactor
    {
        public const int Size = 1024 * 1024;

        private int _asked;
        private int _queued;

        public int Asked => _asked;

        public int Queued => _queued;

        public IReadOnlyCollection<ChannelId> Channels { get; } = [ChannelId.Blocks];

        public void OnPeerAdded(IPeer peer)
        {
        }

        public void OnPeerRemoved(IPeer peer)
        {
        }

        public void OnMessage(IPeer peer, ChannelId channel, Envelope message)
        {
            var answer = new Envelope { BlockResponse = new BlockResponse { Block = new Block { Data = new Data { Txs = { ByteString.CopyFrom(new byte[Size - 64]) } } } } };
            if (peer.TrySend(ChannelId.Blocks, answer))
            {
                Interlocked.Increment(ref _queued);
            }

            Interlocked.Increment(ref _asked);
        }
    }
}

/// <summary>Tests that measure the process's memory run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresMemory
{
    public const string Name = "measures memory";
}
