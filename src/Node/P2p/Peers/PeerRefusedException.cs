using Chain.Node.P2p.Identity;

namespace Chain.Node.P2p.Peers;

/// <summary>A connection finished its handshake but the switch refused the peer (self, banned, duplicate, other chain, full).</summary>
public sealed class PeerRefusedException : Exception
{
    public PeerRefusedException(NodeId remoteId, string message)
        : base(message)
    {
        RemoteId = remoteId;
    }

    public NodeId RemoteId { get; }
}
