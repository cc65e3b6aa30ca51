using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chain.State.Tree;

/// <summary>
/// A proof that a key has a value, or has none, under a root hash. It holds the sibling hashes along the
/// key's binary path from the root down (one per bit of depth) and, where the path ends in a leaf, that
/// leaf's key hash and value hash; where it ends in an empty subtree there is no leaf.
/// <para>
/// Encoding: flag (1 byte: 0x00 no leaf, 0x01 leaf), then when a leaf: key hash (32) + value hash (32),
/// then the sibling count (2 bytes big-endian, at most 256), then the siblings (32 bytes each), root side
/// first. Nothing may follow.
/// </para>
/// </summary>
public sealed class SparseMerkleProof
{
    /// <summary>The deepest path: one sibling per bit of a 256-bit key hash.</summary>
    public const int MaxSiblings = 256;

    private const int HashSize = TreeHasher.HashSize;

    private readonly byte[] _siblings;
    private readonly byte[]? _leafKeyHash;
    private readonly byte[]? _leafValueHash;

    internal SparseMerkleProof(byte[]? leafKeyHash, byte[]? leafValueHash, byte[] siblings)
    {
        _leafKeyHash = leafKeyHash;
        _leafValueHash = leafValueHash;
        _siblings = siblings;
    }

    /// <summary>Whether the path ends in a leaf (of the key itself, or of another key sharing the path).</summary>
    public bool HasLeaf => _leafKeyHash is not null;

    public ReadOnlySpan<byte> LeafKeyHash => _leafKeyHash;

    public ReadOnlySpan<byte> LeafValueHash => _leafValueHash;

    /// <summary>The depth of the leaf or empty subtree the path ends in.</summary>
    public int SiblingCount => _siblings.Length / HashSize;

    /// <summary>The sibling at bit depth <paramref name="depth"/> (0 = the root's children).</summary>
    public ReadOnlySpan<byte> Sibling(int depth) => _siblings.AsSpan(depth * HashSize, HashSize);

    public int EncodedLength => 1 + (HasLeaf ? 2 * HashSize : 0) + 2 + _siblings.Length;

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        var offset = 0;
        bytes[offset++] = HasLeaf ? (byte)1 : (byte)0;
        if (_leafKeyHash is not null && _leafValueHash is not null)
        {
            _leafKeyHash.CopyTo(bytes, offset);
            _leafValueHash.CopyTo(bytes, offset + HashSize);
            offset += 2 * HashSize;
        }

        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset), (ushort)SiblingCount);
        _siblings.CopyTo(bytes, offset + 2);
        return bytes;
    }

    /// <summary>Reads <see cref="Encode"/>'s output. Throws only <see cref="ProofFormatException"/>.</summary>
    public static SparseMerkleProof Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3)
        {
            throw new ProofFormatException($"a proof is at least 3 bytes; got {bytes.Length}");
        }

        var flag = bytes[0];
        if (flag > 1)
        {
            throw new ProofFormatException($"proof flag byte must be 0 (no leaf) or 1 (leaf); got {flag}");
        }

        var offset = 1;
        byte[]? keyHash = null;
        byte[]? valueHash = null;
        if (flag == 1)
        {
            if (bytes.Length < 1 + (2 * HashSize) + 2)
            {
                throw new ProofFormatException($"a proof with a leaf is at least {1 + (2 * HashSize) + 2} bytes; got {bytes.Length}");
            }

            keyHash = bytes.Slice(offset, HashSize).ToArray();
            valueHash = bytes.Slice(offset + HashSize, HashSize).ToArray();
            offset += 2 * HashSize;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(bytes[offset..]);
        offset += 2;
        if (count > MaxSiblings)
        {
            throw new ProofFormatException($"a proof has at most {MaxSiblings} siblings; it says {count}");
        }

        if (bytes.Length - offset != count * HashSize)
        {
            throw new ProofFormatException($"a proof with {count} siblings needs {count * HashSize} bytes of siblings; {bytes.Length - offset} follow");
        }

        return new SparseMerkleProof(keyHash, valueHash, bytes[offset..].ToArray());
    }

    /// <summary>True when this proves that <paramref name="key"/> has exactly <paramref name="value"/> under <paramref name="root"/>.</summary>
    public bool VerifyInclusion(byte[] root, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_leafKeyHash is null || _leafValueHash is null)
        {
            return false;
        }

        Span<byte> keyHash = stackalloc byte[HashSize];
        Span<byte> valueHash = stackalloc byte[HashSize];
        TreeHasher.HashKey(key, keyHash);
        TreeHasher.HashValue(value, valueHash);
        if (!keyHash.SequenceEqual(_leafKeyHash) || !valueHash.SequenceEqual(_leafValueHash))
        {
            return false;
        }

        return RootMatches(root, keyHash);
    }

    /// <summary>True when this proves that <paramref name="key"/> has no value under <paramref name="root"/>.</summary>
    public bool VerifyNonInclusion(byte[] root, ReadOnlySpan<byte> key)
    {
        Span<byte> keyHash = stackalloc byte[HashSize];
        TreeHasher.HashKey(key, keyHash);
        if (_leafKeyHash is not null)
        {
            // The path must lead to another key's leaf: same first SiblingCount bits, different key.
            if (keyHash.SequenceEqual(_leafKeyHash) || TreeHasher.CommonPrefixBits(keyHash, _leafKeyHash) < SiblingCount)
            {
                return false;
            }
        }

        return RootMatches(root, keyHash);
    }

    private bool RootMatches(byte[] root, ReadOnlySpan<byte> keyHash)
    {
        if (root is null || root.Length != HashSize)
        {
            return false;
        }

        Span<byte> current = stackalloc byte[HashSize];
        if (_leafKeyHash is not null && _leafValueHash is not null)
        {
            TreeHasher.HashLeaf(_leafKeyHash, _leafValueHash, current);
        }
        else
        {
            TreeHasher.Placeholder.CopyTo(current);
        }

        for (var depth = SiblingCount - 1; depth >= 0; depth--)
        {
            if (TreeHasher.Bit(keyHash, depth) == 0)
            {
                TreeHasher.HashInternal(current, Sibling(depth), current);
            }
            else
            {
                TreeHasher.HashInternal(Sibling(depth), current, current);
            }
        }

        return CryptographicOperations.FixedTimeEquals(current, root);
    }
}
