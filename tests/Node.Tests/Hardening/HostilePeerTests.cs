using Chain.Node.P2p.Channels;
using Chain.Proto.P2p;

namespace Chain.Node.Tests.Hardening;

/// <summary>The harness itself: it reaches a real node's reactors, reads what the node sends, and sees a ban.</summary>
public sealed class HostilePeerTests : IClassFixture<TestNode>
{
    private readonly TestNode _node;

    public HostilePeerTests(TestNode node) => _node = node;

    [Fact]
    public async Task A_hostile_peer_talks_to_the_node_and_sees_itself_banned_for_a_message_its_channel_does_not_carry()
    {
        await using var peer = await HostilePeer.ConnectAsync(_node.P2pPort, _node.ChainId);
        var status = await peer.ReceiveAsync(ChannelId.Blocks, e => e.StatusResponse is not null);
        Assert.NotNull(status);
        Assert.True(status.StatusResponse.Height >= 1);

        await peer.SendAsync(ChannelId.Blocks, new Envelope { PexRequest = new PexRequest() });

        Assert.True(await peer.ClosedByNodeAsync());
        Assert.True(await HostilePeer.IsRefusedAsync(_node.P2pPort, _node.ChainId, peer.Key));
        Assert.True(await NodeProbe.KeepsCommittingAsync(_node));
    }
}
