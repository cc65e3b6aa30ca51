using System.Buffers.Binary;

namespace Chain.State.Tree;

/// <summary>
/// A leaf: the hash of a logical key and the hash of its value (which make the leaf's hash), and the logical
/// key and value themselves, so a read needs no second lookup and everything outside the tree (the flat
/// latest-value copy) can be rebuilt from the tree alone.
/// </summary>
internal sealed class LeafNode
{
    public const byte Tag = 0x02;

    /// <summary>Tag byte + key hash + value hash + key length (2).</summary>
    public const int HeaderSize = 1 + TreeHasher.HashSize + TreeHasher.HashSize + 2;

    /// <summary>The longest logical key a leaf can hold.</summary>
    public const int MaxKeyLength = ushort.MaxValue;

    private byte[]? _encoded;

    public LeafNode(byte[] keyHash, byte[] valueHash, byte[] key, byte[] value)
    {
        KeyHash = keyHash;
        ValueHash = valueHash;
        Key = key;
        Value = value;
    }

    private LeafNode(byte[] encoded, byte[] keyHash, byte[] valueHash, byte[] key, byte[] value)
        : this(keyHash, valueHash, key, value)
    {
        _encoded = encoded;
    }

    public byte[] KeyHash { get; }

    public byte[] ValueHash { get; }

    /// <summary>The logical key (its SHA-256 is <see cref="KeyHash"/>).</summary>
    public byte[] Key { get; }

    /// <summary>The value (its SHA-256 is <see cref="ValueHash"/>).</summary>
    public byte[] Value { get; }

    public void ComputeHash(Span<byte> destination) => TreeHasher.HashLeaf(KeyHash, ValueHash, destination);

    /// <summary>Tag ‖ keyHash(32) ‖ valueHash(32) ‖ key length(2, big-endian) ‖ key ‖ value. The result is shared: do not modify it.</summary>
    public byte[] Encode()
    {
        if (_encoded is not null)
        {
            return _encoded;
        }

        var bytes = new byte[HeaderSize + Key.Length + Value.Length];
        bytes[0] = Tag;
        KeyHash.CopyTo(bytes, 1);
        ValueHash.CopyTo(bytes, 1 + TreeHasher.HashSize);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1 + (2 * TreeHasher.HashSize)), (ushort)Key.Length);
        Key.CopyTo(bytes, HeaderSize);
        Value.CopyTo(bytes, HeaderSize + Key.Length);
        _encoded = bytes;
        return bytes;
    }

    /// <summary>Decodes <see cref="Encode"/>'s output; throws only <see cref="NodeFormatException"/>.</summary>
    public static LeafNode Decode(byte[] bytes)
    {
        if (bytes.Length < HeaderSize || bytes[0] != Tag)
        {
            throw new NodeFormatException($"a leaf node is at least {HeaderSize} bytes starting with tag {Tag}; got {bytes.Length} bytes");
        }

        var span = bytes.AsSpan();
        var keyLength = BinaryPrimitives.ReadUInt16BigEndian(span[(1 + (2 * TreeHasher.HashSize))..]);
        if (keyLength > bytes.Length - HeaderSize)
        {
            throw new NodeFormatException($"a leaf node's key of {keyLength} bytes does not fit in its {bytes.Length} bytes");
        }

        return new LeafNode(
            bytes,
            span.Slice(1, TreeHasher.HashSize).ToArray(),
            span.Slice(1 + TreeHasher.HashSize, TreeHasher.HashSize).ToArray(),
            span.Slice(HeaderSize, keyLength).ToArray(),
            span[(HeaderSize + keyLength)..].ToArray());
    }
}
