using System.Net;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Proto.P2p;

namespace Chain.Node.P2p.Peers;

/// <summary>A connected, authenticated peer, as reactors see it.</summary>
public interface IPeer
{
    NodeId Id { get; }

    /// <summary>What the peer said about itself in the handshake (chain id, listen address, moniker).</summary>
    NodeInfo Info { get; }

    /// <summary>True when this node dialed the peer.</summary>
    bool IsOutbound { get; }

    EndPoint? RemoteEndPoint { get; }

    /// <summary>Completes when the connection is closed, for any reason.</summary>
    Task Completion { get; }

    /// <summary>
    /// Queues <paramref name="message"/> on <paramref name="channel"/> without waiting. Returns false,
    /// and the message is dropped, when the channel's send queue is full (p2p.send_queue_size), the
    /// message is larger than the channel allows, or the peer is gone; the peer stays connected.
    /// </summary>
    bool TrySend(ChannelId channel, Envelope message);

    /// <summary>Like <see cref="TrySend(ChannelId, Envelope)"/> for a message several peers get, encoded once for all of them.</summary>
    bool TrySend(ChannelId channel, SharedMessage message) => TrySend(channel, message.Envelope);

    /// <summary>Queues <paramref name="message"/>, waiting for room in the send queue; false when the peer is gone or the message too large.</summary>
    ValueTask<bool> SendAsync(ChannelId channel, Envelope message, CancellationToken ct);

    /// <summary>Closes the connection; with <paramref name="ban"/> the peer is also refused for p2p.ban_duration.</summary>
    void Disconnect(string reason, bool ban = false);
}
