using System.Net;
using Chain.Crypto;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Proto.P2p;

namespace Chain.Node.Tests.Reactors;

/// <summary>A peer that records what a reactor sends it and whether the reactor disconnected or banned it.</summary>
internal sealed class FakePeer : IPeer
{
    public NodeId Id { get; } = NodeId.FromPublicKey(PrivateKey.Generate().PublicKey);

    public NodeInfo Info { get; } = new() { ChainId = "reactor-test" };

    public bool IsOutbound => false;

    public EndPoint? RemoteEndPoint => null;

    public Task Completion => Task.CompletedTask;

    public List<(ChannelId Channel, Envelope Message)> Sent { get; } = new();

    public string? DisconnectReason { get; private set; }

    public bool Banned { get; private set; }

    public bool TrySend(ChannelId channel, Envelope message)
    {
        Sent.Add((channel, message));
        return true;
    }

    public ValueTask<bool> SendAsync(ChannelId channel, Envelope message, CancellationToken ct) => ValueTask.FromResult(TrySend(channel, message));

    public void Disconnect(string reason, bool ban = false)
    {
        DisconnectReason = reason;
        Banned |= ban;
    }
}
