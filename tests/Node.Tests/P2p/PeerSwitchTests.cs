using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Node.P2p.Transport;
using Chain.Proto.Consensus;
using Chain.Proto.P2p;
using Chain.Proto.Types;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.P2p;

/// <summary>Switches on real loopback sockets and free ports.</summary>
public sealed class PeerSwitchTests : IAsyncLifetime
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

    private static P2pOptions Options(int port, params string[] peers) => new()
    {
        ListenAddress = new EndpointAddress("127.0.0.1", port),
        PersistentPeers = peers,
        DialBackoffMin = TimeSpan.FromMilliseconds(50),
        DialBackoffMax = TimeSpan.FromMilliseconds(400),
        HandshakeTimeout = TimeSpan.FromSeconds(10),
    };

    private async Task<PeerSwitch> StartAsync(
        PrivateKey key, P2pOptions options, IReactor[]? reactors = null, string chainId = "test-chain", TimeProvider? time = null)
    {
        var s = new PeerSwitch(key, chainId, "node-" + NodeId.FromPublicKey(key.PublicKey).ToString()[..6], options, NullLogger<PeerSwitch>.Instance, time);
        foreach (var reactor in reactors ?? [])
        {
            s.AddReactor(reactor);
        }

        _switches.Add(s);
        await s.StartAsync(default);
        return s;
    }

    private static string AddressOf(PeerSwitch s) => $"{s.NodeId}@127.0.0.1:{s.ListenEndPoint!.Port}";

    private static bool Connected(PeerSwitch a, PeerSwitch b) =>
        a.TryGetPeer(b.NodeId, out _) && b.TryGetPeer(a.NodeId, out _);

    private static Envelope VoteAt(ulong height) => new()
    {
        Vote = new Vote
        {
            Type = SignedMsgType.Prevote,
            Height = height,
            ValidatorAddress = ByteString.CopyFrom(new byte[20]),
            Signature = ByteString.CopyFrom(new byte[64]),
        },
    };

    [Fact]
    public async Task Two_switches_exchange_messages_on_several_channels_both_ways()
    {
        var reactorA = new RecordingReactor(ChannelId.Consensus, ChannelId.Mempool, ChannelId.Blocks, ChannelId.Evidence);
        var reactorB = new RecordingReactor(ChannelId.Consensus, ChannelId.Mempool, ChannelId.Blocks, ChannelId.Evidence);
        var b = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()), [reactorB]);
        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort(), AddressOf(b)), [reactorA]);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, b)));
        Assert.True(await Loopback.EventuallyAsync(() => reactorA.Added.Contains(b.NodeId) && reactorB.Added.Contains(a.NodeId)));

        a.TryGetPeer(b.NodeId, out var bAtA);
        b.TryGetPeer(a.NodeId, out var aAtB);
        Assert.True(bAtA.IsOutbound);
        Assert.False(aAtB.IsOutbound);
        var proposal = new Envelope { Proposal = new ProposalMessage { Proposal = new Proposal { Height = 7, PolRound = -1 }, Block = new Block { Header = new Header { Height = 7, ChainId = "test-chain" } } } };
        var txs = new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFromUtf8("tx-1"), ByteString.CopyFrom(new byte[300_000]) } } };
        Assert.True(bAtA.TrySend(ChannelId.Consensus, proposal));
        Assert.True(bAtA.TrySend(ChannelId.Consensus, VoteAt(7)));
        Assert.True(bAtA.TrySend(ChannelId.Mempool, txs));
        Assert.True(await bAtA.SendAsync(ChannelId.Blocks, new Envelope { StatusRequest = new StatusRequest() }, default));
        Assert.True(aAtB.TrySend(ChannelId.Blocks, new Envelope { StatusResponse = new StatusResponse { Base = 1, Height = 12 } }));
        Assert.True(aAtB.TrySend(ChannelId.Blocks, new Envelope { BlockResponse = new BlockResponse { Block = new Block { Header = new Header { Height = 3 } } } }));
        Assert.Equal(1, b.Broadcast(ChannelId.Evidence, new Envelope { Evidence = new EvidenceList() }));

        Assert.True(await Loopback.EventuallyAsync(() => reactorB.Received.Count == 4 && reactorA.Received.Count == 3));
        Assert.Equal([proposal, VoteAt(7)], reactorB.On(ChannelId.Consensus));
        Assert.Equal([txs], reactorB.On(ChannelId.Mempool));
        Assert.Equal(Envelope.SumOneofCase.StatusRequest, reactorB.On(ChannelId.Blocks).Single().SumCase);
        Assert.All(reactorB.Received, r => Assert.Equal(a.NodeId, r.From));
        Assert.Equal([12UL, 3UL], reactorA.On(ChannelId.Blocks).Select(e => e.StatusResponse?.Height ?? e.BlockResponse.Block.Header.Height));
        Assert.Equal(Envelope.SumOneofCase.Evidence, reactorA.On(ChannelId.Evidence).Single().SumCase);
    }

    [Fact]
    public async Task A_peer_whose_node_key_does_not_match_the_configured_id_is_refused()
    {
        var b = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()));
        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()));
        var someoneElse = NodeId.FromPublicKey(PrivateKey.Generate().PublicKey);

        var e = await Assert.ThrowsAsync<HandshakeException>(() =>
            a.DialAsync(new PeerAddress(someoneElse, new EndpointAddress("127.0.0.1", b.ListenEndPoint!.Port)), default));

        Assert.Contains($"expected {someoneElse}", e.Message);
        Assert.Empty(a.Peers);
        Assert.False(a.TryGetPeer(b.NodeId, out _));
    }

    [Fact]
    public async Task A_switch_refuses_a_connection_to_itself_and_to_another_chain()
    {
        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()));
        var other = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()), chainId: "other-chain");

        var self = await Assert.ThrowsAsync<PeerRefusedException>(() =>
            a.DialAsync(new PeerAddress(null, new EndpointAddress("127.0.0.1", a.ListenEndPoint!.Port)), default));
        var chain = await Assert.ThrowsAsync<PeerRefusedException>(() => a.DialAsync(PeerAddress.Parse(AddressOf(other)), default));

        Assert.Contains("itself", self.Message);
        Assert.Contains("other-chain", chain.Message);
        Assert.Empty(a.Peers);
        Assert.Empty(other.Peers);
    }

    [Fact]
    public async Task Garbage_at_the_handshake_is_rejected_and_the_node_still_accepts_a_good_peer()
    {
        var b = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()));
        var port = b.ListenEndPoint!.Port;
        byte[][] garbage =
        [
            "GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"u8.ToArray(),
            new byte[33],
            [.. PrivateKey.Generate().PublicKey, 0x7F, 0xFF, 0xFF, 0xFF],
            [.. PrivateKey.Generate().PublicKey, 0x00, 0x00, 0x00, 0x40, .. new byte[64]],
        ];
        foreach (var bytes in garbage)
        {
            await using var raw = await Loopback.ConnectAsync(port);
            await raw.WriteAsync(bytes);
            Assert.True(await Loopback.IsClosedByRemoteAsync(raw));
        }

        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()));
        var peer = await a.DialAsync(PeerAddress.Parse(AddressOf(b)), default);

        Assert.Equal(b.NodeId, peer.Id);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, b)));
        Assert.Single(b.Peers);
    }

    [Fact]
    public async Task A_silent_connection_does_not_hold_up_other_peers_and_is_closed_at_the_handshake_timeout()
    {
        var b = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()) with { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        await using var silent = await Loopback.ConnectAsync(b.ListenEndPoint!.Port);

        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()));
        var peer = await a.DialAsync(PeerAddress.Parse(AddressOf(b)), default);

        Assert.Equal(b.NodeId, peer.Id);
        Assert.True(await Loopback.IsClosedByRemoteAsync(silent));
        Assert.True(a.TryGetPeer(b.NodeId, out _));
    }

    public static TheoryData<string> BadMessages => ["oversized", "unparseable", "wrong kind", "empty envelope"];

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task A_peer_that_sends_a_bad_message_is_dropped_and_banned_until_the_ban_ends(string kind)
    {
        var clock = new ManualClock();
        var reactorB = new RecordingReactor(ChannelId.Mempool);
        var b = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()) with { MaxMessageBytes = 64 * 1024 }, [reactorB], time: clock);
        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()) with { MaxMessageBytes = 1024 * 1024 });
        var toB = (Peer)await a.DialAsync(PeerAddress.Parse(AddressOf(b)), default);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, b)));

        var sent = kind switch
        {
            "oversized" => toB.TrySend(ChannelId.Mempool, new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFrom(new byte[100_000]) } } }),
            "unparseable" => toB.TrySendEncoded(ChannelId.Mempool, [0x03, 0xFF, 0xFF, 0xFF]),
            "wrong kind" => toB.TrySend(ChannelId.Mempool, VoteAt(1)),
            _ => toB.TrySendEncoded(ChannelId.Mempool, [0x00]),
        };
        Assert.True(sent);

        Assert.True(await Loopback.EventuallyAsync(() => b.Bans.IsBanned(a.NodeId) && b.Peers.Count == 0 && a.Peers.Count == 0));
        Assert.Empty(reactorB.Received);

        // While banned, a new connection is closed right after the handshake.
        await Assert.ThrowsAnyAsync<Exception>(() => a.DialAsync(PeerAddress.Parse(AddressOf(b)), default));
        Assert.Empty(b.Peers);

        clock.Advance(b.Backoff.Max + new P2pOptions().BanDuration);
        var again = await a.DialAsync(PeerAddress.Parse(AddressOf(b)), default);
        Assert.Equal(b.NodeId, again.Id);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, b)));
    }

    [Fact]
    public async Task A_persistent_peer_is_redialed_after_it_restarts()
    {
        var keyB = PrivateKey.Generate();
        var portB = TestNode.FreePort();
        var b = await StartAsync(keyB, Options(portB));
        var reactorA = new RecordingReactor(ChannelId.Consensus);
        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort(), AddressOf(b)), [reactorA]);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, b)));

        await b.StopAsync();
        Assert.True(await Loopback.EventuallyAsync(() => a.Peers.Count == 0));
        Assert.Contains(b.NodeId, reactorA.Removed);

        var reactorB = new RecordingReactor(ChannelId.Consensus);
        var restarted = await StartAsync(keyB, Options(portB), [reactorB]);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, restarted)));

        a.TryGetPeer(restarted.NodeId, out var peer);
        Assert.True(peer.TrySend(ChannelId.Consensus, VoteAt(2)));
        Assert.True(await Loopback.EventuallyAsync(() => reactorB.Received.Count == 1));
        Assert.Equal(2, reactorA.Added.Count(id => id == restarted.NodeId));
    }

    [Fact]
    public async Task Two_nodes_that_dial_each_other_keep_one_connection_the_same_on_both_sides()
    {
        var keyA = PrivateKey.Generate();
        var keyB = PrivateKey.Generate();
        var portA = TestNode.FreePort();
        var portB = TestNode.FreePort();
        var idA = NodeId.FromPublicKey(keyA.PublicKey);
        var idB = NodeId.FromPublicKey(keyB.PublicKey);
        var a = await StartAsync(keyA, Options(portA, $"{idB}@127.0.0.1:{portB}"));
        var b = await StartAsync(keyB, Options(portB, $"{idA}@127.0.0.1:{portA}"));

        // Either direction may win (the lower id's dial when both complete), but both sides keep the same one.
        Assert.True(await Loopback.EventuallyAsync(() =>
            a.Peers.Count == 1 && b.Peers.Count == 1 && a.Peers[0].IsOutbound != b.Peers[0].IsOutbound));
        Assert.Equal(idB, a.Peers.Single().Id);
        Assert.Equal(idA, b.Peers.Single().Id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_switches_that_dial_each_other_at_the_same_moment_keep_the_lower_ids_connection_and_talk_over_it(bool persistent)
    {
        // Name the two keys by their ids, so the connection both must keep is known: the one "lower" dials.
        var keys = new[] { PrivateKey.Generate(), PrivateKey.Generate() }
            .OrderBy(k => NodeId.FromPublicKey(k.PublicKey))
            .ToArray();
        var (lowerId, higherId) = (NodeId.FromPublicKey(keys[0].PublicKey), NodeId.FromPublicKey(keys[1].PublicKey));
        var (lowerPort, higherPort) = (TestNode.FreePort(), TestNode.FreePort());
        await using var relay = CrossingRelay.Start(lowerPort, higherPort);
        var toHigher = $"{higherId}@127.0.0.1:{relay.PortToB}";
        var toLower = $"{lowerId}@127.0.0.1:{relay.PortToA}";
        var lowerReactor = new RecordingReactor(ChannelId.Consensus);
        var higherReactor = new RecordingReactor(ChannelId.Consensus);
        var lower = await StartAsync(keys[0], persistent ? Options(lowerPort, toHigher) : Options(lowerPort), [lowerReactor]);
        var higher = await StartAsync(keys[1], persistent ? Options(higherPort, toLower) : Options(higherPort), [higherReactor]);

        if (!persistent)
        {
            // Both dials succeed, and both give the peer that is kept: the one that lost gives way to it.
            var dials = await Task.WhenAll(
                lower.DialAsync(PeerAddress.Parse(toHigher), default),
                higher.DialAsync(PeerAddress.Parse(toLower), default));
            Assert.Same(lower.Peers.Single(), dials[0]);
            Assert.Same(higher.Peers.Single(), dials[1]);
        }

        Assert.True(await Loopback.EventuallyAsync(() => lowerReactor.Added.Count == 1 && higherReactor.Added.Count == 1));
        var fromLower = lower.Peers.Single();
        var fromHigher = higher.Peers.Single();
        Assert.Equal((higherId, true), (fromLower.Id, fromLower.IsOutbound));
        Assert.Equal((lowerId, false), (fromHigher.Id, fromHigher.IsOutbound));

        Assert.True(fromLower.TrySend(ChannelId.Consensus, VoteAt(1)));
        Assert.True(fromHigher.TrySend(ChannelId.Consensus, VoteAt(2)));
        Assert.True(await Loopback.EventuallyAsync(() => higherReactor.Received.Count == 1 && lowerReactor.Received.Count == 1));
        Assert.Equal(1UL, higherReactor.On(ChannelId.Consensus).Single().Vote.Height);
        Assert.Equal(2UL, lowerReactor.On(ChannelId.Consensus).Single().Vote.Height);

        // The connection that was dropped never became a peer: the reactors saw one peer, never removed,
        // the one connection still carries messages, and neither node dialed again.
        Assert.True(fromLower.TrySend(ChannelId.Consensus, VoteAt(3)));
        Assert.True(await Loopback.EventuallyAsync(() => higherReactor.Received.Count == 2));
        Assert.Same(fromLower, lower.Peers.Single());
        Assert.Same(fromHigher, higher.Peers.Single());
        Assert.False(fromLower.Completion.IsCompleted || fromHigher.Completion.IsCompleted);
        Assert.Equal([higherId], lowerReactor.Added);
        Assert.Equal([lowerId], higherReactor.Added);
        Assert.Empty(lowerReactor.Removed);
        Assert.Empty(higherReactor.Removed);
        Assert.Equal((1, 1), (relay.ConnectionsToA, relay.ConnectionsToB));
    }

    [Fact]
    public async Task A_full_send_queue_drops_messages_while_the_peer_and_its_other_channels_keep_working()
    {
        using var release = new ManualResetEventSlim();
        var stuckMempool = new BlockingReactor(release, ChannelId.Mempool);
        var consensus = new RecordingReactor(ChannelId.Consensus);
        var b = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()), [stuckMempool, consensus]);
        var a = await StartAsync(PrivateKey.Generate(), Options(TestNode.FreePort()) with { SendQueueSize = 4 });
        var toB = await a.DialAsync(PeerAddress.Parse(AddressOf(b)), default);
        Assert.True(await Loopback.EventuallyAsync(() => Connected(a, b)));

        var batch = new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFrom(new byte[64 * 1024]) } } };
        var dropped = false;
        for (var i = 0; i < 10_000 && !dropped; i++)
        {
            dropped = !toB.TrySend(ChannelId.Mempool, batch);
            if (i % 64 == 0)
            {
                await Task.Delay(1);
            }
        }

        try
        {
            Assert.True(dropped);
            Assert.True(toB.TrySend(ChannelId.Consensus, VoteAt(9)));
            Assert.True(await Loopback.EventuallyAsync(() => consensus.Received.Count == 1));
            Assert.True(a.TryGetPeer(b.NodeId, out _));
            Assert.False(b.Bans.IsBanned(a.NodeId));
        }
        finally
        {
            release.Set();
        }
    }

    /// <summary>A reactor whose OnMessage waits until released, so its channel stops being read.</summary>
    private sealed class BlockingReactor(ManualResetEventSlim release, params ChannelId[] channels) : IReactor
    {
        public IReadOnlyCollection<ChannelId> Channels { get; } = channels;

        public void OnPeerAdded(IPeer peer)
        {
        }

        public void OnPeerRemoved(IPeer peer)
        {
        }

        public void OnMessage(IPeer peer, ChannelId channel, Envelope message) => release.Wait(Loopback.Patience);
    }
}
