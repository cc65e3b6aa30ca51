using System.Net;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Node.Tests.Modules;
using Chain.Node.Tests.P2p;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Hardening;

/// <summary>
/// Bans kept in the node's data directory: by node id and by remote address, each until its expiry, across a
/// restart of a real <see cref="PeerSwitch"/> on the same ban file.
/// </summary>
public sealed class PersistentBanTests : IDisposable
{
    private const string ChainId = "ban-test";

    /// <summary>Another loopback address than 127.0.0.1 (Linux routes all of 127.0.0.0/8 to lo), so it can be banned.</summary>
    private static readonly IPAddress Remote = IPAddress.Parse("127.0.0.2");

    private readonly string _dir = Directory.CreateTempSubdirectory("chain-bans-").FullName;
    private readonly ManualClock _clock = new();

    private string BanFile => Path.Combine(_dir, "peer_bans.txt");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<PeerSwitch> StartSwitchAsync()
    {
        var options = new P2pOptions { ListenAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort()), BanDuration = TimeSpan.FromMinutes(10) };
        var s = new PeerSwitch(PrivateKey.Generate(), ChainId, "node", options, NullLogger<PeerSwitch>.Instance, _clock, BanFile);
        await s.StartAsync(default);
        return s;
    }

    /// <summary>Whether a raw connection from <paramref name="from"/> is closed before the node sends any handshake byte.</summary>
    private static async Task<bool> ClosedBeforeHandshakeAsync(int port, IPAddress from)
    {
        await using var raw = await Loopback.ConnectAsync(port, from);
        using var patience = new CancellationTokenSource(Loopback.Patience);
        try
        {
            return await raw.ReadAsync(new byte[64], patience.Token) == 0;
        }
        catch (IOException)
        {
            return true; // reset before any byte
        }
    }

    [Fact]
    public async Task A_banned_peer_is_still_refused_after_the_node_restarts()
    {
        var banned = PrivateKey.Generate();
        await using (var node = await StartSwitchAsync())
        {
            await using var peer = await HostilePeer.ConnectAsync(node.ListenEndPoint!.Port, ChainId, banned);
            Assert.True(await Loopback.EventuallyAsync(() => node.Peers.Count == 1));
            node.Ban(peer.Id, "sent a malformed message");
            Assert.True(await peer.ClosedByNodeAsync());
        }

        await using var restarted = await StartSwitchAsync();
        Assert.True(restarted.Bans.IsBanned(NodeId.FromPublicKey(banned.PublicKey)));
        Assert.True(await HostilePeer.IsRefusedAsync(restarted.ListenEndPoint!.Port, ChainId, banned));

        // A ban of a peer on 127.0.0.1 is by node id only: other nodes on this host (a local testnet) still connect.
        Assert.False(await HostilePeer.IsRefusedAsync(restarted.ListenEndPoint!.Port, ChainId, PrivateKey.Generate()));
    }

    [Fact]
    public async Task A_banned_remote_address_is_closed_before_the_handshake_with_any_key_and_after_a_restart()
    {
        await using (var node = await StartSwitchAsync())
        {
            await using var peer = await HostilePeer.ConnectAsync(node.ListenEndPoint!.Port, ChainId, from: Remote);
            Assert.True(await Loopback.EventuallyAsync(() => node.Peers.Count == 1));
            node.Ban(peer.Id, "sent a malformed message");
            Assert.True(await peer.ClosedByNodeAsync());

            // A fresh node id from the same address gets no handshake byte.
            Assert.True(node.Bans.IsBanned(Remote));
            Assert.True(await ClosedBeforeHandshakeAsync(node.ListenEndPoint!.Port, Remote));
        }

        await using var restarted = await StartSwitchAsync();
        Assert.True(restarted.Bans.IsBanned(Remote));
        Assert.True(await ClosedBeforeHandshakeAsync(restarted.ListenEndPoint!.Port, Remote));
        Assert.False(restarted.Bans.IsBanned(IPAddress.Loopback));
    }

    [Fact]
    public async Task A_ban_read_back_after_a_restart_is_lifted_when_it_expires()
    {
        var banned = PrivateKey.Generate();
        var id = NodeId.FromPublicKey(banned.PublicKey);
        await using (var node = await StartSwitchAsync())
        {
            node.Ban(id, "sent a malformed message");
        }

        await using var restarted = await StartSwitchAsync();
        Assert.True(restarted.Bans.IsBanned(id));
        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.False(restarted.Bans.IsBanned(id));
        Assert.False(await HostilePeer.IsRefusedAsync(restarted.ListenEndPoint!.Port, ChainId, banned));

        // An expired ban is not read back either.
        var again = new BanList(_clock, BanFile, NullLogger.Instance);
        Assert.False(again.IsBanned(id));
    }

    [Fact]
    public void A_corrupt_ban_file_gives_a_warning_naming_it_and_an_empty_list_that_is_saved_afresh()
    {
        File.WriteAllBytes(BanFile, [0, 1, 2, 0xFF, .. "id not-a-node-id tomorrow\n"u8]);
        using var logs = new RecordingLoggerProvider();
        var someone = NodeId.FromPublicKey(PrivateKey.Generate().PublicKey);

        var bans = new BanList(_clock, BanFile, logs.CreateLogger("bans"));

        Assert.False(bans.IsBanned(someone));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(BanFile) && e.Message.Contains("corrupt"));
        bans.Ban(someone, TimeSpan.FromMinutes(1), Remote);
        var reread = new BanList(_clock, BanFile, NullLogger.Instance);
        Assert.True(reread.IsBanned(someone));
        Assert.True(reread.IsBanned(Remote));
    }
}
