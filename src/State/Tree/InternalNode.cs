using System.Buffers.Binary;
using System.Numerics;

namespace Chain.State.Tree;

/// <summary>
/// A 16-ary internal node. For each present child it records the child's hash, the version of the
/// child node (its store key is (version, this path + nibble)) and whether the child is a leaf.
/// Its hash is the root of the binary Merkle tree over the 16 child slots (4 levels), where a range
/// with no child is the placeholder and a range holding a single leaf is that leaf's hash: the same
/// hash a binary sparse Merkle tree with leaves lifted to their highest unshared position would give.
/// </summary>
internal sealed class InternalNode
{
    public const byte Tag = 0x01;

    private const int ChildRecordSize = 8 + TreeHasher.HashSize;

    public InternalNode()
    {
        Versions = new ulong[16];
        Hashes = new byte[16 * TreeHasher.HashSize];
    }

    /// <summary>Bit i set: child i is present.</summary>
    public ushort Existence { get; private set; }

    /// <summary>Bit i set: child i is a leaf (only for present children).</summary>
    public ushort Leaves { get; private set; }

    public ulong[] Versions { get; }

    /// <summary>16 slots of 32 bytes; a slot of an absent child is unused.</summary>
    public byte[] Hashes { get; }

    public int ChildCount => BitOperations.PopCount(Existence);

    public bool HasChild(int nibble) => (Existence & (1 << nibble)) != 0;

    public bool IsLeaf(int nibble) => (Leaves & (1 << nibble)) != 0;

    public ReadOnlySpan<byte> ChildHash(int nibble) => Hashes.AsSpan(nibble * TreeHasher.HashSize, TreeHasher.HashSize);

    public void SetChild(int nibble, ulong version, bool isLeaf, ReadOnlySpan<byte> hash)
    {
        Existence |= (ushort)(1 << nibble);
        Leaves = isLeaf ? (ushort)(Leaves | (1 << nibble)) : (ushort)(Leaves & ~(1 << nibble));
        Versions[nibble] = version;
        hash.CopyTo(Hashes.AsSpan(nibble * TreeHasher.HashSize, TreeHasher.HashSize));
    }

    public void RemoveChild(int nibble)
    {
        Existence &= (ushort)~(1 << nibble);
        Leaves &= (ushort)~(1 << nibble);
        Versions[nibble] = 0;
    }

    public InternalNode Clone()
    {
        var copy = new InternalNode { Existence = Existence, Leaves = Leaves };
        Versions.CopyTo(copy.Versions, 0);
        Hashes.CopyTo(copy.Hashes, 0);
        return copy;
    }

    public void ComputeHash(Span<byte> destination) => RangeHash(0, 16, destination);

    /// <summary>
    /// The hash of the binary subtree over child slots [<paramref name="low"/>, low + width), width a power of two.
    /// </summary>
    public void RangeHash(int low, int width, Span<byte> destination)
    {
        var mask = ((1 << width) - 1) << low;
        var present = Existence & mask;
        if (present == 0)
        {
            TreeHasher.Placeholder.CopyTo(destination);
            return;
        }

        if (BitOperations.PopCount((uint)present) == 1)
        {
            var only = BitOperations.TrailingZeroCount(present);
            if (width == 1 || IsLeaf(only))
            {
                ChildHash(only).CopyTo(destination);
                return;
            }
        }

        var half = width >> 1;
        Span<byte> pair = stackalloc byte[2 * TreeHasher.HashSize];
        RangeHash(low, half, pair[..TreeHasher.HashSize]);
        RangeHash(low + half, half, pair[TreeHasher.HashSize..]);
        TreeHasher.HashInternal(pair[..TreeHasher.HashSize], pair[TreeHasher.HashSize..], destination);
    }

    /// <summary>Tag, existence bitmap, leaf bitmap (both big-endian), then version and hash of each present child in nibble order.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[5 + (ChildCount * ChildRecordSize)];
        bytes[0] = Tag;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), Existence);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), Leaves);
        var offset = 5;
        for (var i = 0; i < 16; i++)
        {
            if (!HasChild(i))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), Versions[i]);
            ChildHash(i).CopyTo(bytes.AsSpan(offset + 8));
            offset += ChildRecordSize;
        }

        return bytes;
    }

    /// <summary>Decodes <see cref="Encode"/>'s output; throws only <see cref="NodeFormatException"/>.</summary>
    public static InternalNode Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 5 || bytes[0] != Tag)
        {
            throw new NodeFormatException($"an internal node starts with tag {Tag} and two bitmaps; got {bytes.Length} bytes");
        }

        var existence = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
        var leaves = BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]);
        if ((leaves & ~existence) != 0)
        {
            throw new NodeFormatException("an internal node marks an absent child as a leaf");
        }

        var count = BitOperations.PopCount(existence);
        if (count == 0 || bytes.Length != 5 + (count * ChildRecordSize))
        {
            throw new NodeFormatException($"an internal node with {count} children must be {5 + (count * ChildRecordSize)} bytes and have a child; got {bytes.Length}");
        }

        var node = new InternalNode { Existence = existence, Leaves = leaves };
        var offset = 5;
        for (var i = 0; i < 16; i++)
        {
            if ((existence & (1 << i)) == 0)
            {
                continue;
            }

            node.Versions[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes[offset..]);
            bytes.Slice(offset + 8, TreeHasher.HashSize).CopyTo(node.Hashes.AsSpan(i * TreeHasher.HashSize));
            offset += ChildRecordSize;
        }

        return node;
    }
}
