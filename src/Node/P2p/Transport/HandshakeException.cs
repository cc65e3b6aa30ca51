using Chain.Node.P2p.Identity;

namespace Chain.Node.P2p.Transport;

/// <summary>The secret connection handshake failed; the message says why. <see cref="RemoteId"/> is set once the peer proved its key.</summary>
public sealed class HandshakeException : Exception
{
    public HandshakeException(string message, NodeId? remoteId = null, Exception? inner = null)
        : base(message, inner)
    {
        RemoteId = remoteId;
    }

    public NodeId? RemoteId { get; }
}
