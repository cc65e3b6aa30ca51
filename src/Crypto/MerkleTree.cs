using System.Buffers;

namespace Chain.Crypto;

/// <summary>
/// Simple binary Merkle root over a list of items, as RFC 6962 and CometBFT define it:
/// leaf = SHA-256(0x00 || item), inner = SHA-256(0x01 || left || right), split at the largest
/// power of two below the count; the empty list hashes to SHA-256 of nothing.
/// Used for a block's data hash and results hash, and for the work module's output commitments, whose tiles are
/// opened with audit paths (<see cref="Proof"/>, <see cref="Verify"/>, RFC 9162 section 2.1.3).
/// </summary>
public static class MerkleTree
{
    public static byte[] Root(IReadOnlyList<byte[]> items) => items.Count == 0 ? Hashes.Sha256([]) : Root(items, 0, items.Count);

    private static byte[] Root(IReadOnlyList<byte[]> items, int start, int count)
    {
        if (count == 1)
        {
            return LeafHash(items[start]);
        }

        var split = SplitPoint(count);
        return InnerHash(Root(items, start, split), Root(items, start + split, count - split));
    }

    /// <summary>The root over leaf hashes already computed (<see cref="LeafHash"/>); at least one.</summary>
    public static byte[] RootOfLeafHashes(IReadOnlyList<byte[]> leafHashes) => SubtreeRoot(leafHashes, 0, leafHashes.Count);

    /// <summary>
    /// The audit path of leaf <paramref name="index"/> among <paramref name="leafHashes"/>: the sibling subtree roots
    /// from the leaf up (RFC 6962 PATH). O(count) hashing per path; a prover opening many leaves keeps the levels.
    /// </summary>
    public static List<byte[]> Proof(IReadOnlyList<byte[]> leafHashes, int index)
    {
        if (index < 0 || index >= leafHashes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} of {leafHashes.Count}");
        }

        var path = new List<byte[]>();
        Path(leafHashes, 0, leafHashes.Count, index, path);
        return path;
    }

    /// <summary>Whether <paramref name="path"/> proves <paramref name="leafHash"/> is leaf <paramref name="index"/> of <paramref name="count"/> under <paramref name="root"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> leafHash, long index, long count, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= count || path.Count > 64)
        {
            return false;
        }

        var fn = index;
        var sn = count - 1;
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (sn == 0 || p.Length != Hashes.Sha256Size)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = InnerHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = InnerHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    private static void Path(IReadOnlyList<byte[]> leafHashes, int start, int count, int index, List<byte[]> path)
    {
        if (count == 1)
        {
            return;
        }

        var split = SplitPoint(count);
        if (index < split)
        {
            Path(leafHashes, start, split, index, path);
            path.Add(SubtreeRoot(leafHashes, start + split, count - split));
        }
        else
        {
            Path(leafHashes, start + split, count - split, index - split, path);
            path.Add(SubtreeRoot(leafHashes, start, split));
        }
    }

    private static byte[] SubtreeRoot(IReadOnlyList<byte[]> leafHashes, int start, int count)
    {
        if (count == 1)
        {
            return leafHashes[start];
        }

        var split = SplitPoint(count);
        return InnerHash(SubtreeRoot(leafHashes, start, split), SubtreeRoot(leafHashes, start + split, count - split));
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> item)
    {
        // A block's data hash takes a leaf per tx: small items are framed on the stack, large ones in a pooled array.
        const int stackBytes = 1024;
        var rented = item.Length + 1 > stackBytes ? ArrayPool<byte>.Shared.Rent(item.Length + 1) : null;
        Span<byte> buffer = rented ?? stackalloc byte[stackBytes];
        buffer = buffer[..(item.Length + 1)];
        buffer[0] = 0;
        item.CopyTo(buffer[1..]);
        var hash = Hashes.Sha256(buffer);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    public static byte[] InnerHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + left.Length + right.Length];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + left.Length)..]);
        return Hashes.Sha256(buffer);
    }

    private static int SplitPoint(int count)
    {
        var k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        return k;
    }
}
