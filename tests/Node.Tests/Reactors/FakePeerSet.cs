using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Proto.P2p;

namespace Chain.Node.Tests.Reactors;

/// <summary>A fixed set of <see cref="FakePeer"/>s.</summary>
internal sealed class FakePeerSet(params FakePeer[] peers) : IPeerSet
{
    public NodeId NodeId { get; } = new FakePeer().Id;

    public IReadOnlyList<IPeer> Peers => peers;

    public bool TryGetPeer(NodeId id, out IPeer peer)
    {
        peer = peers.FirstOrDefault(p => p.Id == id)!;
        return peer is not null;
    }

    public int Broadcast(ChannelId channel, Envelope message)
    {
        foreach (FakePeer p in peers)
        {
            p.TrySend(channel, message);
        }

        return peers.Length;
    }
}
