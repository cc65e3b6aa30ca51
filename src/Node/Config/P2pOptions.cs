using Chain.Node.P2p.Identity;

namespace Chain.Node.Config;

/// <summary>[p2p]: the peer-to-peer transport (docs/p2p.md).</summary>
public sealed record P2pOptions
{
    public EndpointAddress ListenAddress { get; init; } = new("127.0.0.1", 26656);

    /// <summary>Peers to stay connected to, each "host:port" or "node_id@host:port".</summary>
    public IReadOnlyList<string> PersistentPeers { get; init; } = [];

    /// <summary>Most connected peers; inbound connections beyond it are refused (persistent peers are still dialed).</summary>
    public int MaxPeers { get; init; } = 50;

    /// <summary>Messages queued per peer and channel; when full, further messages to that peer are dropped.</summary>
    public int SendQueueSize { get; init; } = 1024;

    /// <summary>Bytes queued to send to one peer, all channels together; beyond it further messages to that peer are dropped.</summary>
    public long SendQueueMaxBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Bytes queued to send to all peers together; beyond it further messages to any peer are dropped.</summary>
    public long SendQueueTotalBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest message on the consensus, mempool and blocks channels (evidence and peers take less).</summary>
    public int MaxMessageBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How long a peer that sent a malformed or oversized message is refused.</summary>
    public TimeSpan BanDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First wait before redialing a persistent peer; doubles after each failure.</summary>
    public TimeSpan DialBackoffMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between dials of a persistent peer.</summary>
    public TimeSpan DialBackoffMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Most inbound connections (handshaking or admitted) from one IP address; more are closed at once.</summary>
    public int MaxInboundPerAddress { get; init; } = 8;

    /// <summary>A peer that sends nothing (not even the pings sent every third of this) for this long is dropped.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed to connect, run the handshake and open the channels.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Equals(P2pOptions? other) =>
        other is not null
        && ListenAddress == other.ListenAddress
        && PersistentPeers.SequenceEqual(other.PersistentPeers)
        && MaxPeers == other.MaxPeers
        && SendQueueSize == other.SendQueueSize
        && SendQueueMaxBytes == other.SendQueueMaxBytes
        && SendQueueTotalBytes == other.SendQueueTotalBytes
        && MaxMessageBytes == other.MaxMessageBytes
        && BanDuration == other.BanDuration
        && DialBackoffMin == other.DialBackoffMin
        && DialBackoffMax == other.DialBackoffMax
        && HandshakeTimeout == other.HandshakeTimeout
        && MaxInboundPerAddress == other.MaxInboundPerAddress
        && IdleTimeout == other.IdleTimeout;

    public override int GetHashCode() => HashCode.Combine(ListenAddress, PersistentPeers.Count, MaxPeers, MaxMessageBytes);

    /// <summary>Whether <paramref name="peer"/> is "host:port" or "node_id@host:port" with a 40-character hex node id.</summary>
    public static bool IsValidPeer(string peer) => PeerAddress.TryParse(peer, out _);
}
