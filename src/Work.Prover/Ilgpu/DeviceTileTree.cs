using Chain.Modules.Work.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Chain.Work.Prover.Ilgpu;

/// <summary>
/// Hashes the tile tree of a C that lies in device memory on that device (<see cref="Sha256Kernels"/>): one launch
/// for the leaves, one per level above, all levels in one device buffer, then copies the levels back as a
/// <see cref="TileTree"/>. Used by the ILGPU and the cuBLASLt provers alike, so both commit with the same kernels.
/// </summary>
internal sealed class DeviceTileTree : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<uint, Stride1D.Dense> _roundConstants;
    private readonly Action<Index1D, ArrayView<int>, ArrayView<byte>, ArrayView<uint>, int, int, int> _leaves;
    private readonly Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<uint>, int> _inner;

    public DeviceTileTree(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _roundConstants = accelerator.Allocate1D(Sha256Kernels.RoundConstants);
        _leaves = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<byte>, ArrayView<uint>, int, int, int>(Sha256Kernels.LeafKernel);
        _inner = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<uint>, int>(Sha256Kernels.InnerKernel);
    }

    /// <summary>The tree of the tiles of <paramref name="c"/> (at least Rows x N int32 on this accelerator; rows past Rows are ignored).</summary>
    public TileTree Commit(ArrayView<int> c, WorkloadShape shape)
    {
        var counts = LevelCounts(shape.TileCount);
        var offsets = new long[counts.Length];
        long total = 0;
        for (var level = 0; level < counts.Length; level++)
        {
            offsets[level] = total * 32;
            total += counts[level];
        }

        using var nodes = _accelerator.Allocate1D<byte>(total * 32);
        var k = _roundConstants.View.AsContiguous();
        _leaves((int)counts[0], c, Level(nodes, offsets, counts, 0), k, shape.N, shape.TileWidth, shape.TilesPerRow);
        for (var level = 1; level < counts.Length; level++)
        {
            _inner((int)counts[level], Level(nodes, offsets, counts, level - 1), Level(nodes, offsets, counts, level), k, (int)counts[level - 1]);
        }

        _accelerator.Synchronize();
        var levels = new byte[counts.Length][];
        for (var level = 0; level < counts.Length; level++)
        {
            levels[level] = new byte[counts[level] * 32];
            Level(nodes, offsets, counts, level).CopyToCPU(levels[level]);
        }

        return TileTree.FromLevels(levels);
    }

    public void Dispose() => _roundConstants.Dispose();

    /// <summary>Node counts from the leaves up: each level half the one below, rounded up, down to one root.</summary>
    internal static long[] LevelCounts(long leaves)
    {
        if (leaves * 32 > Array.MaxLength)
        {
            throw new ArgumentException($"{leaves} leaf hashes do not fit one array", nameof(leaves));
        }

        var counts = new List<long> { leaves };
        while (counts[^1] > 1)
        {
            counts.Add((counts[^1] + 1) / 2);
        }

        return [.. counts];
    }

    private static ArrayView<byte> Level(MemoryBuffer1D<byte, Stride1D.Dense> nodes, long[] offsets, long[] counts, int level) =>
        nodes.View.SubView(offsets[level], counts[level] * 32).AsContiguous();
}
