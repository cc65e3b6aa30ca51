using System.Text;
using Chain.Crypto;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Transport;
using Chain.Proto.P2p;

namespace Chain.Node.Tests.P2p;

public sealed class SecretConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static NodeInfo Info(string moniker) => new() { ProtocolVersion = 1, ChainId = "test", Moniker = moniker, ListenAddress = "127.0.0.1:1" };

    private static async Task<(SecretConnection Client, SecretConnection Server, TapStream Tap)> EstablishAsync(PrivateKey clientKey, PrivateKey serverKey)
    {
        var (client, server) = await Loopback.ConnectedPairAsync();
        var tap = new TapStream(client);
        var clientSide = SecretConnection.HandshakeAsync(tap, clientKey, Info("client"), NodeId.FromPublicKey(serverKey.PublicKey), Timeout, default);
        var serverSide = SecretConnection.HandshakeAsync(server, serverKey, Info("server"), null, Timeout, default);
        return (await clientSide, await serverSide, tap);
    }

    private static async Task<string> ReadTextAsync(Stream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Loopback.Patience);
        return Encoding.UTF8.GetString(buffer);
    }

    [Fact]
    public async Task Both_sides_learn_the_others_node_id_and_exchange_bytes_both_ways()
    {
        var clientKey = PrivateKey.Generate();
        var serverKey = PrivateKey.Generate();
        var (client, server, _) = await EstablishAsync(clientKey, serverKey);
        await using (client)
        await using (server)
        {
            Assert.Equal(NodeId.FromPublicKey(serverKey.PublicKey), client.RemoteId);
            Assert.Equal(NodeId.FromPublicKey(clientKey.PublicKey), server.RemoteId);
            Assert.Equal("server", client.RemoteInfo.Moniker);
            Assert.Equal("client", server.RemoteInfo.Moniker);

            await client.WriteAsync(Encoding.UTF8.GetBytes("ping"));
            await client.FlushAsync();
            Assert.Equal("ping", await ReadTextAsync(server, 4));

            var large = new byte[200_000];
            Random.Shared.NextBytes(large);
            var write = server.WriteAsync(large).AsTask();
            var received = new byte[large.Length];
            await client.ReadExactlyAsync(received).AsTask().WaitAsync(Loopback.Patience);
            await write;
            Assert.Equal(large, received);
        }
    }

    [Fact]
    public async Task A_peer_whose_node_key_does_not_match_the_expected_id_is_refused()
    {
        var (client, server) = await Loopback.ConnectedPairAsync();
        var expected = NodeId.FromPublicKey(PrivateKey.Generate().PublicKey);
        var impostor = PrivateKey.Generate();
        var serverSide = SecretConnection.HandshakeAsync(server, impostor, Info("impostor"), null, Timeout, default);

        var e = await Assert.ThrowsAsync<HandshakeException>(() =>
            SecretConnection.HandshakeAsync(client, PrivateKey.Generate(), Info("client"), expected, Timeout, default));

        Assert.Contains($"expected {expected}", e.Message);
        Assert.Equal(NodeId.FromPublicKey(impostor.PublicKey), e.RemoteId);
        try
        {
            await using var s = await serverSide;
            Assert.True(await Loopback.IsClosedByRemoteAsync(s));
        }
        catch (HandshakeException)
        {
            // The refusal may also reach the other side during its handshake.
        }
    }

    [Fact]
    public async Task A_replayed_frame_fails_and_closes_the_connection()
    {
        var (client, server, tap) = await EstablishAsync(PrivateKey.Generate(), PrivateKey.Generate());
        await using (client)
        await using (server)
        {
            await client.WriteAsync(Encoding.UTF8.GetBytes("once"));
            await client.FlushAsync();
            Assert.Equal("once", await ReadTextAsync(server, 4));
            var frame = tap.Writes[^1];

            await tap.Inner.WriteAsync(frame);
            await tap.Inner.FlushAsync();

            await Assert.ThrowsAsync<FrameException>(async () => await server.ReadAsync(new byte[16]).AsTask().WaitAsync(Loopback.Patience));
            Assert.True(await Loopback.IsClosedByRemoteAsync(client));
        }
    }

    [Fact]
    public async Task A_tampered_frame_fails_and_closes_the_connection()
    {
        var (client, server, tap) = await EstablishAsync(PrivateKey.Generate(), PrivateKey.Generate());
        await using (client)
        await using (server)
        {
            tap.Alter = bytes =>
            {
                var changed = (byte[])bytes.Clone();
                changed[^20] ^= 0x01;
                return changed;
            };
            await client.WriteAsync(Encoding.UTF8.GetBytes("pay 10 uchn to alice"));
            await client.FlushAsync();

            await Assert.ThrowsAsync<FrameException>(async () => await server.ReadAsync(new byte[64]).AsTask().WaitAsync(Loopback.Patience));
            Assert.True(await Loopback.IsClosedByRemoteAsync(client));
        }
    }

    [Fact]
    public async Task Garbage_instead_of_an_ephemeral_key_is_rejected()
    {
        var (client, server) = await Loopback.ConnectedPairAsync();
        await using var _ = client;
        var garbage = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        await client.WriteAsync(garbage);

        var e = await Assert.ThrowsAsync<HandshakeException>(() =>
            SecretConnection.HandshakeAsync(server, PrivateKey.Generate(), Info("server"), null, Timeout, default));

        Assert.Contains("ephemeral key", e.Message);
        Assert.True(await Loopback.IsClosedByRemoteAsync(client));
    }

    [Fact]
    public async Task An_oversized_authentication_frame_is_rejected_before_it_is_read()
    {
        var (client, server) = await Loopback.ConnectedPairAsync();
        await using var _ = client;
        await client.WriteAsync(PrivateKey.Generate().PublicKey);
        await client.WriteAsync(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF });

        var e = await Assert.ThrowsAsync<HandshakeException>(() =>
            SecretConnection.HandshakeAsync(server, PrivateKey.Generate(), Info("server"), null, Timeout, default));

        Assert.Contains("length", e.Message);
    }

    [Fact]
    public async Task A_silent_peer_times_out_the_handshake()
    {
        var (client, server) = await Loopback.ConnectedPairAsync();
        await using var _ = client;

        var e = await Assert.ThrowsAsync<HandshakeException>(() =>
            SecretConnection.HandshakeAsync(server, PrivateKey.Generate(), Info("server"), null, TimeSpan.FromMilliseconds(200), default));

        Assert.Contains("did not finish", e.Message);
    }
}
