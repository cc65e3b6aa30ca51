using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Proto.P2p;

namespace Chain.Node.P2p.Peers;

/// <summary>The connected peers, for reactors that gossip to all of them.</summary>
public interface IPeerSet
{
    /// <summary>This node's id.</summary>
    NodeId NodeId { get; }

    /// <summary>A snapshot of the connected peers.</summary>
    IReadOnlyList<IPeer> Peers { get; }

    bool TryGetPeer(NodeId id, out IPeer peer);

    /// <summary>Serializes <paramref name="message"/> once and <see cref="IPeer.TrySend"/>s it to every peer; returns how many queued it.</summary>
    int Broadcast(ChannelId channel, Envelope message);
}
