namespace Chain.Node.P2p.Channels;

/// <summary>What reading one length-delimited message from a channel found.</summary>
public enum DelimitedReadStatus
{
    /// <summary>A whole message was read.</summary>
    Message,

    /// <summary>The channel ended cleanly between messages.</summary>
    End,

    /// <summary>The length prefix announces more bytes than the channel allows; nothing more was read.</summary>
    Oversized,

    /// <summary>The length prefix is not a valid varint below 2^31, or the channel ended inside a message.</summary>
    Malformed,
}
