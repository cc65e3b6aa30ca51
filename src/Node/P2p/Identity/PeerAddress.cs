using Chain.Node.Config;

namespace Chain.Node.P2p.Identity;

/// <summary>Where to dial a peer: "host:port", or "node_id@host:port" when its identity is known and must match.</summary>
public sealed record PeerAddress(NodeId? Id, EndpointAddress Endpoint)
{
    public const string Expected = "\"host:port\" or \"node_id@host:port\" with a 40-character hex node id";

    public static bool TryParse(string? text, out PeerAddress address)
    {
        address = new PeerAddress(null, new EndpointAddress(string.Empty, 0));
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        NodeId? id = null;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            if (!NodeId.TryParse(text[..at], out var parsed))
            {
                return false;
            }

            id = parsed;
        }

        if (!EndpointAddress.TryParse(text[(at + 1)..], out var endpoint))
        {
            return false;
        }

        address = new PeerAddress(id, endpoint);
        return true;
    }

    public static PeerAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not {Expected}");

    public override string ToString() => Id is { } id ? $"{id}@{Endpoint}" : Endpoint.ToString();
}
