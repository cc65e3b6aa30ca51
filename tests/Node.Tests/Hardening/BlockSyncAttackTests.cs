using Chain.Crypto;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Peers;
using Chain.Node.Production;
using Chain.Node.Reactors;
using Chain.Node.Tests.P2p;
using Chain.Proto.Genesis;
using Chain.Proto.P2p;
using Chain.State.App;
using Chain.State.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Hardening;

/// <summary>
/// Peers that claim heights they cannot deliver, against block sync on a real switch: a node at genesis whose only
/// way forward is sync.
/// </summary>
public sealed class BlockSyncAttackTests : IAsyncLifetime
{
    private readonly ChainApp _app = ChainApp.Open(
        new MemoryKeyValueStore(),
        new GenesisDoc { ChainId = "sync-test", InitialHeight = 1, AppState = { ModuleCatalog.Create().DefaultAppState() } },
        ModuleCatalog.Create());

    private readonly ManualClock _clock = new();
    private PeerSwitch _switch = null!;
    private BlockSyncReactor _sync = null!;

    public async Task InitializeAsync()
    {
        _switch = new PeerSwitch(
            PrivateKey.Generate(), "sync-test", "node", new P2pOptions { ListenAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort()) }, NullLogger<PeerSwitch>.Instance);
        _sync = new BlockSyncReactor(new ConsensusInbox(), _switch, _app.Executor, NullLogger<BlockSyncReactor>.Instance, _clock);
        _switch.AddReactor(_sync);
        await _switch.StartAsync(default);
        await _sync.StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _sync.StopAsync(default);
        await _switch.DisposeAsync();
        _app.Dispose();
    }

    private static Envelope Claim(ulong height) => new() { StatusResponse = new StatusResponse { Base = 1, Height = height } };

    [Fact]
    public async Task A_peer_that_claims_the_highest_height_and_then_has_no_block_is_banned_and_forgotten()
    {
        await using var liar = await HostilePeer.ConnectAsync(_switch.ListenEndPoint!.Port, _switch.ChainId);
        await liar.SendAsync(ChannelId.Blocks, Claim(ulong.MaxValue));
        var request = await liar.ReceiveAsync(ChannelId.Blocks, e => e.BlockRequest is not null);
        Assert.Equal(1UL, request?.BlockRequest.Height);

        await liar.SendAsync(ChannelId.Blocks, new Envelope { NoBlockResponse = new NoBlockResponse { Height = 1 } });

        Assert.True(await liar.ClosedByNodeAsync());
        Assert.True(await Loopback.EventuallyAsync(() => _switch.Bans.IsBanned(liar.Id)));
    }

    [Fact]
    public async Task A_peer_that_claims_the_highest_height_and_never_delivers_is_dropped_and_sync_asks_the_next_peer()
    {
        await using var liar = await HostilePeer.ConnectAsync(_switch.ListenEndPoint!.Port, _switch.ChainId);
        await liar.SendAsync(ChannelId.Blocks, Claim(ulong.MaxValue));
        Assert.NotNull(await liar.ReceiveAsync(ChannelId.Blocks, e => e.BlockRequest is not null));

        await using var honest = await HostilePeer.ConnectAsync(_switch.ListenEndPoint!.Port, _switch.ChainId);
        await honest.SendAsync(ChannelId.Blocks, Claim(5));

        // The liar never answers: after the request timeout it is dropped and its claim forgotten, and the block is asked of the other peer.
        var asked = await honest.ReceiveAsync(ChannelId.Blocks, e => e.BlockRequest is not null);
        Assert.Equal(1UL, asked?.BlockRequest.Height);
        Assert.True(await liar.ClosedByNodeAsync());
        Assert.True(_switch.TryGetPeer(honest.Id, out _));
    }

    [Fact]
    public async Task Block_requests_beyond_the_per_peer_rate_are_dropped_unanswered_and_the_peer_kept()
    {
        await using var greedy = await HostilePeer.ConnectAsync(_switch.ListenEndPoint!.Port, _switch.ChainId);
        const int sent = BlockSyncReactor.MaxBlockRequestsPerSecond + 50;
        for (int i = 0; i < sent; i++)
        {
            await greedy.SendAsync(ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = 1 } });
        }

        // The clock stands still: every request falls in one second, so only the cap is answered.
        Assert.True(await Loopback.EventuallyAsync(() => _sync.BlockRequestsAnswered + _sync.BlockRequestsDropped == sent));
        Assert.Equal(BlockSyncReactor.MaxBlockRequestsPerSecond, _sync.BlockRequestsAnswered);
        Assert.True(_switch.TryGetPeer(greedy.Id, out _));

        // The next second it is answered again.
        _clock.Advance(TimeSpan.FromSeconds(1));
        await greedy.SendAsync(ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = 1 } });
        Assert.True(await Loopback.EventuallyAsync(() => _sync.BlockRequestsAnswered == BlockSyncReactor.MaxBlockRequestsPerSecond + 1));
    }

    [Fact]
    public async Task A_peer_that_asks_for_blocks_at_an_absurd_rate_is_banned()
    {
        await using var flooder = await HostilePeer.ConnectAsync(_switch.ListenEndPoint!.Port, _switch.ChainId);
        const int sent = (BlockSyncReactor.MaxBlockRequestsPerSecond * BlockSyncReactor.BlockRequestBanFactor) + 1;
        for (int i = 0; i < sent; i++)
        {
            await flooder.SendAsync(ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = 1 } });
        }

        Assert.True(await flooder.ClosedByNodeAsync());
        Assert.True(await Loopback.EventuallyAsync(() => _switch.Bans.IsBanned(flooder.Id)));
        Assert.True(_sync.BlockRequestsAnswered <= BlockSyncReactor.MaxBlockRequestsPerSecond);
    }
}
