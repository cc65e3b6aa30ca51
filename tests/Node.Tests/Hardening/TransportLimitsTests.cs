using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Peers;
using Chain.Node.Tests.P2p;
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
}

/// <summary>Tests that measure the process's memory run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresMemory
{
    public const string Name = "measures memory";
}
