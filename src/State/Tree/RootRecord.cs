using System.Buffers.Binary;

namespace Chain.State.Tree;

/// <summary>
/// What a version's root is: nothing, a leaf or an internal node, the version of that node (its store key
/// is (version, empty path)) and its hash. Stored under 'R' + version as kind (1) + node version (8) + hash (32).
/// </summary>
internal readonly struct RootRecord
{
    public const int EncodedSize = 1 + 8 + TreeHasher.HashSize;

    public RootRecord(NodeKind kind, ulong nodeVersion, byte[] hash)
    {
        Kind = kind;
        NodeVersion = nodeVersion;
        Hash = hash;
    }

    public NodeKind Kind { get; }

    public ulong NodeVersion { get; }

    public byte[] Hash { get; }

    public static RootRecord Empty => new(NodeKind.Empty, 0, TreeHasher.Placeholder.ToArray());

    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize];
        bytes[0] = (byte)Kind;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1), NodeVersion);
        Hash.CopyTo(bytes, 9);
        return bytes;
    }

    public static RootRecord Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedSize || bytes[0] > (byte)NodeKind.Internal)
        {
            throw new NodeFormatException($"a root record is {EncodedSize} bytes starting with a kind 0..2; got {bytes.Length} bytes");
        }

        return new RootRecord((NodeKind)bytes[0], BinaryPrimitives.ReadUInt64BigEndian(bytes[1..]), bytes[9..].ToArray());
    }
}
