using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Node.P2p.Transport;
using Chain.Proto.P2p;
using Microsoft.Extensions.Logging.Abstractions;
using Nerdbank.Streams;

namespace Chain.Node.Tests.P2p;

/// <summary>An authenticated peer that abuses the multiplexer below the channels.</summary>
public sealed class MultiplexerAbuseTests
{
    private static async Task<(PeerSwitch Node, SecretConnection Connection, NodeId AttackerId)> ConnectAsync()
    {
        var node = new PeerSwitch(PrivateKey.Generate(), "test-chain", "node", new P2pOptions { ListenAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort()) }, NullLogger<PeerSwitch>.Instance);
        await node.StartAsync(default);
        var attacker = PrivateKey.Generate();
        var raw = await Loopback.ConnectAsync(node.ListenEndPoint!.Port);
        var info = new NodeInfo { ProtocolVersion = PeerSwitch.ProtocolVersion, ChainId = "test-chain", Moniker = "attacker" };
        var connection = await SecretConnection.HandshakeAsync(raw, attacker, info, node.NodeId, TimeSpan.FromSeconds(10), default);
        return (node, connection, NodeId.FromPublicKey(attacker.PublicKey));
    }

    [Fact]
    public async Task Garbage_inside_authenticated_frames_gets_the_peer_dropped_and_banned()
    {
        var (node, connection, attackerId) = await ConnectAsync();
        await using var nodeScope = node;
        await using var connectionScope = connection;
        var mux = MultiplexingStream.Create(connection, new MultiplexingStream.Options { ProtocolMajorVersion = 3 });
        foreach (var c in node.Channels)
        {
            await mux.OfferChannelAsync(c.Name);
        }

        Assert.True(await Loopback.EventuallyAsync(() => node.TryGetPeer(attackerId, out _)));
        await connection.WriteAsync(new byte[] { 0xC1, 0xC1, 0xC1, 0xFF, 0x00, 0x13, 0x37 });
        await connection.FlushAsync();

        Assert.True(await Loopback.EventuallyAsync(() => node.Peers.Count == 0 && node.Bans.IsBanned(attackerId)));
    }

    [Fact]
    public async Task Offering_more_channels_than_the_protocol_has_gets_the_peer_dropped_and_banned()
    {
        var (node, connection, attackerId) = await ConnectAsync();
        await using var nodeScope = node;
        await using var connectionScope = connection;
        var mux = MultiplexingStream.Create(connection, new MultiplexingStream.Options { ProtocolMajorVersion = 3 });
        foreach (var c in node.Channels)
        {
            await mux.OfferChannelAsync(c.Name);
        }

        Assert.True(await Loopback.EventuallyAsync(() => node.TryGetPeer(attackerId, out _)));
        for (var i = 0; i < 3; i++)
        {
            _ = mux.OfferChannelAsync("extra-" + i);
        }

        Assert.True(await Loopback.EventuallyAsync(() => node.Peers.Count == 0 && node.Bans.IsBanned(attackerId)));
    }
}
