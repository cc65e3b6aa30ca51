namespace Chain.State.Tree;

/// <summary>
/// A leaf: the hash of a logical key, the hash of its value, and the version at which that value was
/// written (the value itself lives under its own 'V' key so a node stays small).
/// </summary>
internal sealed class LeafNode
{
    /// <summary>Tag byte + key hash + value hash + value version.</summary>
    public const int EncodedSize = 1 + TreeHasher.HashSize + TreeHasher.HashSize + 8;

    public const byte Tag = 0x02;

    public LeafNode(byte[] keyHash, byte[] valueHash, ulong valueVersion)
    {
        KeyHash = keyHash;
        ValueHash = valueHash;
        ValueVersion = valueVersion;
    }

    public byte[] KeyHash { get; }

    public byte[] ValueHash { get; }

    public ulong ValueVersion { get; }

    public void ComputeHash(Span<byte> destination) => TreeHasher.HashLeaf(KeyHash, ValueHash, destination);

    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize];
        bytes[0] = Tag;
        KeyHash.CopyTo(bytes, 1);
        ValueHash.CopyTo(bytes, 1 + TreeHasher.HashSize);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1 + (2 * TreeHasher.HashSize)), ValueVersion);
        return bytes;
    }

    /// <summary>Decodes <see cref="Encode"/>'s output; throws only <see cref="NodeFormatException"/>.</summary>
    public static LeafNode Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedSize || bytes[0] != Tag)
        {
            throw new NodeFormatException($"a leaf node is {EncodedSize} bytes starting with tag {Tag}; got {bytes.Length} bytes");
        }

        return new LeafNode(
            bytes.Slice(1, TreeHasher.HashSize).ToArray(),
            bytes.Slice(1 + TreeHasher.HashSize, TreeHasher.HashSize).ToArray(),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[(1 + (2 * TreeHasher.HashSize))..]));
    }
}
