namespace Chain.Node.P2p.Transport;

/// <summary>A frame on an established secret connection was cut, too long or failed authentication; the connection is closed.</summary>
public sealed class FrameException : IOException
{
    public FrameException(string message)
        : base(message)
    {
    }
}
