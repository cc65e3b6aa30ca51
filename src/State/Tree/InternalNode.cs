using System.Buffers.Binary;
using System.Numerics;

namespace Chain.State.Tree;

/// <summary>
/// A 16-ary internal node. For each present child it records the child's hash, the version of the
/// child node (its store key is (version, this path + nibble)), whether the child is a leaf and, for a leaf,
/// its key hash (so an update of an existing key needs no read of the leaf: the parent tells which key the
/// leaf holds, and the leaf's hash tells whether the value changes).
/// Its hash is the root of the binary Merkle tree over the 16 child slots (4 levels), where a range
/// with no child is the placeholder and a range holding a single leaf is that leaf's hash: the same
/// hash a binary sparse Merkle tree with leaves lifted to their highest unshared position would give.
/// <para>
/// In memory a node also keeps the 15 hashes of that binary tree (positions 1..15 in heap order: 1 is the
/// node's hash, 2p and 2p + 1 the halves of p). They are not stored: a decoded node computes them once,
/// and afterwards a changed child costs only the 4 hashes on its way up (<see cref="ComputeHash"/>).
/// </para>
/// </summary>
internal sealed class InternalNode
{
    public const byte Tag = 0x01;

    private const int HashSize = TreeHasher.HashSize;
    private const int ChildRecordSize = 8 + HashSize;

    /// <summary>Heap positions 1..15 of the binary tree over the slots (index 0 unused).</summary>
    private readonly byte[] _positions;

    /// <summary>Slots whose child changed since <see cref="_positions"/> was last brought up to date (all of them when never computed).</summary>
    private ushort _dirty = 0xFFFF;

    public InternalNode()
    {
        Versions = new ulong[16];
        Hashes = new byte[16 * HashSize];
        LeafKeyHashes = new byte[16 * HashSize];
        _positions = new byte[16 * HashSize];
    }

    /// <summary>Bit i set: child i is present.</summary>
    public ushort Existence { get; private set; }

    /// <summary>Bit i set: child i is a leaf (only for present children).</summary>
    public ushort Leaves { get; private set; }

    public ulong[] Versions { get; }

    /// <summary>16 slots of 32 bytes; a slot of an absent child is unused.</summary>
    public byte[] Hashes { get; }

    /// <summary>16 slots of 32 bytes: the key hash of each leaf child; unused for other slots.</summary>
    public byte[] LeafKeyHashes { get; }

    public int ChildCount => BitOperations.PopCount(Existence);

    public bool HasChild(int nibble) => (Existence & (1 << nibble)) != 0;

    public bool IsLeaf(int nibble) => (Leaves & (1 << nibble)) != 0;

    public ReadOnlySpan<byte> ChildHash(int nibble) => Hashes.AsSpan(nibble * HashSize, HashSize);

    /// <summary>The key hash of the leaf in slot <paramref name="nibble"/> (only for a leaf child).</summary>
    public ReadOnlySpan<byte> LeafKeyHash(int nibble) => LeafKeyHashes.AsSpan(nibble * HashSize, HashSize);

    public void SetInternalChild(int nibble, ulong version, ReadOnlySpan<byte> hash)
    {
        Existence |= (ushort)(1 << nibble);
        Leaves &= (ushort)~(1 << nibble);
        Versions[nibble] = version;
        hash.CopyTo(Hashes.AsSpan(nibble * HashSize, HashSize));
        _dirty |= (ushort)(1 << nibble);
    }

    public void SetLeafChild(int nibble, ulong version, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> keyHash)
    {
        Existence |= (ushort)(1 << nibble);
        Leaves |= (ushort)(1 << nibble);
        Versions[nibble] = version;
        hash.CopyTo(Hashes.AsSpan(nibble * HashSize, HashSize));
        keyHash.CopyTo(LeafKeyHashes.AsSpan(nibble * HashSize, HashSize));
        _dirty |= (ushort)(1 << nibble);
    }

    public void RemoveChild(int nibble)
    {
        Existence &= (ushort)~(1 << nibble);
        Leaves &= (ushort)~(1 << nibble);
        Versions[nibble] = 0;
        _dirty |= (ushort)(1 << nibble);
    }

    /// <summary>The size of <see cref="CopyPositionsTo"/>'s output: binary positions 1..15 of 32 bytes.</summary>
    public const int PositionsSize = 15 * HashSize;

    /// <summary>Makes this node (one no one else holds) a node without children, as <c>new InternalNode()</c> is.</summary>
    public void Reset()
    {
        Existence = 0;
        Leaves = 0;
        _dirty = 0xFFFF;
        Array.Clear(Versions);
    }

    /// <summary>Copies the node's binary positions 1..15 (brought up to date) into <paramref name="destination"/> (<see cref="PositionsSize"/> bytes).</summary>
    public void CopyPositionsTo(Span<byte> destination)
    {
        if (_dirty != 0)
        {
            Refresh();
        }

        _positions.AsSpan(HashSize, PositionsSize).CopyTo(destination);
    }

    /// <summary>
    /// Takes binary positions 1..15 that <see cref="CopyPositionsTo"/> gave for a node with exactly these children
    /// (the caller's guarantee), so the node's hash needs no SHA-256 until a child changes.
    /// </summary>
    public void SetPositions(ReadOnlySpan<byte> positions)
    {
        positions.CopyTo(_positions.AsSpan(HashSize, PositionsSize));
        _dirty = 0;
    }

    /// <summary>Whether the node's hash (brought up to date) is <paramref name="hash"/>.</summary>
    public bool HashEquals(ReadOnlySpan<byte> hash)
    {
        if (_dirty != 0)
        {
            Refresh();
        }

        return _positions.AsSpan(HashSize, HashSize).SequenceEqual(hash);
    }

    /// <summary>
    /// The node's hash. Recomputes only the binary positions above children changed since the last call
    /// (every position the first time), so one changed child costs at most 4 SHA-256.
    /// </summary>
    public void ComputeHash(Span<byte> destination)
    {
        if (_dirty != 0)
        {
            Refresh();
        }

        _positions.AsSpan(HashSize, HashSize).CopyTo(destination);
    }

    /// <summary>
    /// The hash of the binary subtree over child slots [<paramref name="low"/>, low + width), width a power of two.
    /// </summary>
    public void RangeHash(int low, int width, Span<byte> destination)
    {
        if (width == 1)
        {
            SlotHash(low, destination);
            return;
        }

        if (_dirty != 0)
        {
            // Not computed (a node just read, e.g. for a proof): hash only this range, as a proof needs a few.
            ComputeRange(low, width, destination);
            return;
        }

        // width 16 is position 1, 8 positions 2-3, 4 positions 4-7, 2 positions 8-15.
        var position = (16 / width) + (low / width);
        _positions.AsSpan(position * HashSize, HashSize).CopyTo(destination);
    }

    private void ComputeRange(int low, int width, Span<byte> destination)
    {
        var present = Existence & (((1 << width) - 1) << low);
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
        Span<byte> pair = stackalloc byte[2 * HashSize];
        ComputeRange(low, half, pair[..HashSize]);
        ComputeRange(low + half, half, pair[HashSize..]);
        TreeHasher.HashInternal(pair[..HashSize], pair[HashSize..], destination);
    }

    private void SlotHash(int slot, Span<byte> destination)
    {
        if (HasChild(slot))
        {
            ChildHash(slot).CopyTo(destination);
        }
        else
        {
            TreeHasher.Placeholder.CopyTo(destination);
        }
    }

    private void Refresh()
    {
        var dirty = _dirty;
        Span<byte> pair = stackalloc byte[2 * HashSize];
        for (var position = 15; position >= 1; position--)
        {
            var level = 31 - BitOperations.LeadingZeroCount((uint)position);
            var width = 16 >> level;
            var low = (position - (1 << level)) * width;
            var mask = ((1 << width) - 1) << low;
            if ((dirty & mask) == 0)
            {
                continue;
            }

            var destination = _positions.AsSpan(position * HashSize, HashSize);
            var present = Existence & mask;
            if (present == 0)
            {
                TreeHasher.Placeholder.CopyTo(destination);
                continue;
            }

            if (BitOperations.PopCount((uint)present) == 1)
            {
                var only = BitOperations.TrailingZeroCount(present);
                if (IsLeaf(only))
                {
                    ChildHash(only).CopyTo(destination);
                    continue;
                }
            }

            if (width == 2)
            {
                SlotHash(low, pair[..HashSize]);
                SlotHash(low + 1, pair[HashSize..]);
            }
            else
            {
                _positions.AsSpan(2 * position * HashSize, 2 * HashSize).CopyTo(pair);
            }

            TreeHasher.HashInternal(pair[..HashSize], pair[HashSize..], destination);
        }

        _dirty = 0;
    }

    /// <summary>
    /// Tag, existence bitmap, leaf bitmap (both big-endian), then for each present child in nibble order its
    /// version and hash, and for a leaf child its key hash.
    /// </summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize(Existence, Leaves)];
        EncodeInto(bytes);
        return bytes;
    }

    /// <summary>The longest encoding: 16 children, all leaves.</summary>
    public const int MaxEncodedSize = 5 + (16 * (ChildRecordSize + HashSize));

    /// <summary>Writes <see cref="Encode"/>'s bytes at the start of <paramref name="bytes"/> (<see cref="MaxEncodedSize"/> always suffices); returns their length.</summary>
    public int EncodeInto(Span<byte> bytes)
    {
        var size = EncodedSize(Existence, Leaves);
        bytes = bytes[..size];
        bytes[0] = Tag;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[1..], Existence);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[3..], Leaves);
        var offset = 5;
        for (var i = 0; i < 16; i++)
        {
            if (!HasChild(i))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt64BigEndian(bytes[offset..], Versions[i]);
            ChildHash(i).CopyTo(bytes[(offset + 8)..]);
            offset += ChildRecordSize;
            if (IsLeaf(i))
            {
                LeafKeyHash(i).CopyTo(bytes[offset..]);
                offset += HashSize;
            }
        }

        return size;
    }

    private static int EncodedSize(ushort existence, ushort leaves) =>
        5 + (BitOperations.PopCount(existence) * ChildRecordSize) + (BitOperations.PopCount(leaves) * HashSize);

    /// <summary>Decodes <see cref="Encode"/>'s output; throws only <see cref="NodeFormatException"/>.</summary>
    public static InternalNode Decode(ReadOnlySpan<byte> bytes)
    {
        var (existence, leaves) = ReadHeader(bytes);
        var node = new InternalNode();
        node.Load(bytes, existence, leaves);
        return node;
    }

    /// <summary>
    /// Makes this node (one no one else holds) the node <paramref name="bytes"/> encodes, as <see cref="Decode"/> would
    /// give it, without allocating; throws only <see cref="NodeFormatException"/>.
    /// </summary>
    public void DecodeInto(ReadOnlySpan<byte> bytes)
    {
        var (existence, leaves) = ReadHeader(bytes);
        Array.Clear(Versions);
        Load(bytes, existence, leaves);
    }

    private static (ushort Existence, ushort Leaves) ReadHeader(ReadOnlySpan<byte> bytes)
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
        var size = EncodedSize(existence, leaves);
        if (count == 0 || bytes.Length != size)
        {
            throw new NodeFormatException($"an internal node with {count} children ({BitOperations.PopCount(leaves)} leaves) must be {size} bytes and have a child; got {bytes.Length}");
        }

        return (existence, leaves);
    }

    private void Load(ReadOnlySpan<byte> bytes, ushort existence, ushort leaves)
    {
        Existence = existence;
        Leaves = leaves;
        _dirty = 0xFFFF;
        var offset = 5;
        for (var i = 0; i < 16; i++)
        {
            if ((existence & (1 << i)) == 0)
            {
                continue;
            }

            Versions[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes[offset..]);
            bytes.Slice(offset + 8, HashSize).CopyTo(Hashes.AsSpan(i * HashSize));
            offset += ChildRecordSize;
            if ((leaves & (1 << i)) != 0)
            {
                bytes.Slice(offset, HashSize).CopyTo(LeafKeyHashes.AsSpan(i * HashSize));
                offset += HashSize;
            }
        }
    }
}
