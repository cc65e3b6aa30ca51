namespace Chain.Node.Config;

/// <summary>[p2p]: peer connections (read and validated now; networking lands later).</summary>
public sealed record P2pOptions
{
    public EndpointAddress ListenAddress { get; init; } = new("127.0.0.1", 26656);

    /// <summary>Peers to stay connected to, each "host:port" or "node_id@host:port".</summary>
    public IReadOnlyList<string> PersistentPeers { get; init; } = [];

    public bool Equals(P2pOptions? other) =>
        other is not null && ListenAddress == other.ListenAddress && PersistentPeers.SequenceEqual(other.PersistentPeers);

    public override int GetHashCode() => HashCode.Combine(ListenAddress, PersistentPeers.Count);

    /// <summary>Whether <paramref name="peer"/> is "host:port" or "node_id@host:port" with a hex node id.</summary>
    public static bool IsValidPeer(string peer)
    {
        var at = peer.IndexOf('@');
        if (at >= 0)
        {
            var id = peer[..at];
            if (id.Length == 0 || id.Length > 128 || !id.All(char.IsAsciiHexDigit))
            {
                return false;
            }
        }

        return EndpointAddress.TryParse(peer[(at + 1)..], out _);
    }
}
