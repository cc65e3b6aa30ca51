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
        using var levels = Hash(c, shape);
        _accelerator.Synchronize();
        return levels.Download();
    }

    /// <summary>Queues the hashing of every level; the levels stay on the device until <see cref="DeviceLevels.Download"/>.</summary>
    internal DeviceLevels Hash(ArrayView<int> c, WorkloadShape shape)
    {
        var levels = new DeviceLevels(_accelerator, LevelCounts(shape.TileCount));
        try
        {
            var k = _roundConstants.View.AsContiguous();
            _leaves((int)levels.Counts[0], c, levels.Level(0), k, shape.N, shape.TileWidth, shape.TilesPerRow);
            for (var level = 1; level < levels.Counts.Length; level++)
            {
                _inner((int)levels.Counts[level], levels.Level(level - 1), levels.Level(level), k, (int)levels.Counts[level - 1]);
            }

            return levels;
        }
        catch
        {
            levels.Dispose();
            throw;
        }
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

    /// <summary>All levels of one tree in one device buffer, level 0 (the leaves) first.</summary>
    internal sealed class DeviceLevels : IDisposable
    {
        private readonly MemoryBuffer1D<byte, Stride1D.Dense> _nodes;
        private readonly long[] _offsets;

        public DeviceLevels(Accelerator accelerator, long[] counts)
        {
            Counts = counts;
            _offsets = new long[counts.Length];
            long total = 0;
            for (var level = 0; level < counts.Length; level++)
            {
                _offsets[level] = total * 32;
                total += counts[level];
            }

            _nodes = accelerator.Allocate1D<byte>(total * 32);
        }

        public long[] Counts { get; }

        public ArrayView<byte> Level(int level) => _nodes.View.SubView(_offsets[level], Counts[level] * 32).AsContiguous();

        /// <summary>Copies every level to the host (after the hashing finished).</summary>
        public TileTree Download()
        {
            var levels = new byte[Counts.Length][];
            for (var level = 0; level < Counts.Length; level++)
            {
                levels[level] = new byte[Counts[level] * 32];
                Level(level).CopyToCPU(levels[level]);
            }

            return TileTree.FromLevels(levels);
        }

        public void Dispose() => _nodes.Dispose();
    }
}
