using Chain.Crypto;

namespace Chain.Node.P2p.Identity;

/// <summary>
/// A node's identity on the network: the 20-byte address of its node key (config/node_key.json),
/// written as 40 lowercase hex characters, as in "node_id@host:port".
/// </summary>
public readonly record struct NodeId : IComparable<NodeId>
{
    public const int HexLength = Address.Size * 2;

    private readonly string? _hex;

    private NodeId(string hex) => _hex = hex;

    /// <summary>The id of the node whose 33-byte compressed node public key this is.</summary>
    public static NodeId FromPublicKey(ReadOnlySpan<byte> compressedPublicKey) =>
        new(Convert.ToHexStringLower(Address.FromPublicKey(compressedPublicKey)));

    /// <summary>Reads 40 hex characters (either case).</summary>
    public static bool TryParse(string? text, out NodeId id)
    {
        id = default;
        if (text is null || text.Length != HexLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        id = new NodeId(text.ToLowerInvariant());
        return true;
    }

    public static NodeId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a node id ({HexLength} hex characters)");

    public int CompareTo(NodeId other) => string.CompareOrdinal(_hex, other._hex);

    public override string ToString() => _hex ?? string.Empty;
}
