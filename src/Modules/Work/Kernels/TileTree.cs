using System.Runtime.CompilerServices;
using Chain.Crypto;

namespace Chain.Modules.Work.Kernels;

/// <summary>
/// The Merkle tree over a receipt's tile leaf hashes with every level kept, so a prover answering a challenge opens
/// each of its s tiles in O(log count) (<see cref="MerkleTree.Proof"/> rehashes the whole tree per leaf).
/// Levels pair nodes left to right and promote an odd last node unchanged to the next level; that is the same tree
/// as RFC 6962's split at the largest power of two below the count, so <see cref="Root"/> equals
/// <see cref="MerkleTree.RootOfLeafHashes"/> and <see cref="Open"/> gives the paths <see cref="MerkleTree.Verify"/>
/// accepts. Each level is one flat array of 32-byte hashes (a GPU writes them that way), so a tree holds at most
/// about 67 million leaves (2^31 bytes).
/// </summary>
public sealed class TileTree
{
    /// <summary>Levels with fewer parents than this are hashed on one thread.</summary>
    private const int ParallelThreshold = 4096;

    private readonly byte[][] _levels;

    /// <summary>Builds the levels above <paramref name="leafHashes"/> (32 bytes per leaf, at least one leaf) on the CPU.</summary>
    public TileTree(byte[] leafHashes)
    {
        CheckLeaves(leafHashes);
        var levels = new List<byte[]> { leafHashes };
        while (levels[^1].Length > Hashes.Sha256Size)
        {
            levels.Add(HashLevel(levels[^1]));
        }

        _levels = [.. levels];
    }

    private TileTree(byte[][] levels) => _levels = levels;

    /// <summary>The number of leaves (tiles).</summary>
    public long LeafCount => _levels[0].Length / Hashes.Sha256Size;

    /// <summary>The number of levels, leaves and root included (1 for a single leaf).</summary>
    public int LevelCount => _levels.Length;

    /// <summary>The output commitment.</summary>
    public byte[] Root => (byte[])_levels[^1].Clone();

    /// <summary>
    /// A tree whose levels were hashed elsewhere (on a GPU): only their sizes are checked here, level 0 the leaf
    /// hashes and each next level half the one below rounded up, down to one root.
    /// </summary>
    public static TileTree FromLevels(byte[][] levels)
    {
        if (levels.Length == 0)
        {
            throw new ArgumentException("a tree has at least its leaf level", nameof(levels));
        }

        CheckLeaves(levels[0]);
        for (var level = 1; level < levels.Length; level++)
        {
            var below = levels[level - 1].Length / Hashes.Sha256Size;
            if (below == 1 || levels[level].Length != ((below + 1) / 2) * Hashes.Sha256Size)
            {
                throw new ArgumentException($"level {level} holds {levels[level].Length} bytes; above {below} nodes it must hold {(below + 1) / 2 * Hashes.Sha256Size}", nameof(levels));
            }
        }

        if (levels[^1].Length != Hashes.Sha256Size)
        {
            throw new ArgumentException($"the top level holds {levels[^1].Length / Hashes.Sha256Size} nodes, not one root", nameof(levels));
        }

        return new TileTree(levels);
    }

    /// <summary>The tree of the tiles of <paramref name="c"/> (Rows x N int32, row-major).</summary>
    public static TileTree Of(ReadOnlySpan<int> c, WorkloadShape shape) => new(TileKernel.LeafHashes(c, shape));

    /// <summary>The hashes of level <paramref name="level"/> (0: the leaves), 32 bytes each.</summary>
    public ReadOnlySpan<byte> Level(int level) => _levels[level];

    /// <summary>The leaf hash of tile <paramref name="tileIndex"/>.</summary>
    public byte[] LeafHash(long tileIndex)
    {
        CheckIndex(tileIndex);
        return _levels[0].AsSpan(checked((int)(tileIndex * Hashes.Sha256Size)), Hashes.Sha256Size).ToArray();
    }

    /// <summary>The audit path of tile <paramref name="tileIndex"/>, siblings from the leaf up (RFC 6962 PATH).</summary>
    public List<byte[]> Open(long tileIndex)
    {
        CheckIndex(tileIndex);
        var path = new List<byte[]>(_levels.Length - 1);
        var index = tileIndex;
        for (var level = 0; level < _levels.Length - 1; level++)
        {
            var count = _levels[level].Length / Hashes.Sha256Size;
            var sibling = index ^ 1;
            if (sibling < count)
            {
                path.Add(_levels[level].AsSpan((int)(sibling * Hashes.Sha256Size), Hashes.Sha256Size).ToArray());
            }

            // else: the odd last node, promoted unchanged; RFC 6962's path has no entry for this level either.
            index >>= 1;
        }

        return path;
    }

    /// <summary>The level above <paramref name="below"/>: SHA-256(0x01 ‖ left ‖ right) per pair, an odd last node copied.</summary>
    internal static byte[] HashLevel(byte[] below)
    {
        var count = below.Length / Hashes.Sha256Size;
        var parents = (count + 1) / 2;
        var above = new byte[parents * Hashes.Sha256Size];
        if (parents < ParallelThreshold)
        {
            HashParents(below, above, 0, parents);
        }
        else
        {
            const int chunk = 1024;
            Parallel.For(0, (parents + chunk - 1) / chunk, part => HashParents(below, above, part * chunk, Math.Min(parents, (part + 1) * chunk)));
        }

        return above;
    }

    [SkipLocalsInit]
    private static void HashParents(byte[] below, byte[] above, int from, int to)
    {
        var count = below.Length / Hashes.Sha256Size;
        Span<byte> buffer = stackalloc byte[1 + (2 * Hashes.Sha256Size)];
        buffer[0] = 1;
        for (var p = from; p < to; p++)
        {
            var left = 2 * p;
            var destination = above.AsSpan(p * Hashes.Sha256Size, Hashes.Sha256Size);
            if (left + 1 < count)
            {
                below.AsSpan(left * Hashes.Sha256Size, 2 * Hashes.Sha256Size).CopyTo(buffer[1..]);
                Hashes.Sha256(buffer, destination);
            }
            else
            {
                below.AsSpan(left * Hashes.Sha256Size, Hashes.Sha256Size).CopyTo(destination);
            }
        }
    }

    private static void CheckLeaves(byte[] leafHashes)
    {
        if (leafHashes.Length == 0 || leafHashes.Length % Hashes.Sha256Size != 0)
        {
            throw new ArgumentException($"leaf hashes of {leafHashes.Length} bytes: one or more hashes of {Hashes.Sha256Size} bytes expected", nameof(leafHashes));
        }
    }

    private void CheckIndex(long tileIndex)
    {
        if (tileIndex < 0 || tileIndex >= LeafCount)
        {
            throw new ArgumentOutOfRangeException(nameof(tileIndex), $"tile {tileIndex} of {LeafCount}");
        }
    }
}
