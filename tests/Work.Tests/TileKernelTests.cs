using Chain.Crypto;
using Chain.Modules.Work.Kernels;

namespace Chain.Modules.Work.Tests;

public sealed class TileKernelTests
{
    private static readonly byte[] Seed = Hashes.Sha256("work-kernel-tests"u8);

    [Fact]
    public void A_row_regenerated_alone_is_its_slice_of_the_stream()
    {
        const int n = 64;
        using var narrow = new SeededMatrices(Seed, n);
        using var wide = new SeededMatrices(Seed, 4 * n);
        var stream = new sbyte[4 * n];
        wide.RowOfA(0, stream); // counters 0 .. 4n/16 - 1: rows 0 to 3 of the narrow matrix, back to back
        for (var i = 0; i < 4; i++)
        {
            var row = new sbyte[n];
            narrow.RowOfA(i, row);
            Assert.Equal(stream.AsSpan(i * n, n).ToArray(), row);
        }

        var column = new sbyte[n];
        narrow.ColumnOfB(0, column);
        Assert.NotEqual(stream.AsSpan(0, n).ToArray(), column); // A and B have keys of their own
    }

    [Fact]
    public void The_stream_format_is_pinned()
    {
        using var inputs = new SeededMatrices(Seed, 32);
        var row = new sbyte[32];
        inputs.RowOfA(7, row);
        var column = new sbyte[32];
        inputs.ColumnOfB(3, column);
        // Computed independently (Python's cryptography: AES-128-ECB over big-endian counters under SHA-256(domain || seed)[..16]).
        // A change here changes every receipt ever committed: it needs a new workload spec version.
        Assert.Equal(PinnedRow7, Convert.ToHexStringLower((byte[])(Array)row));
        Assert.Equal(PinnedColumn3, Convert.ToHexStringLower((byte[])(Array)column));
    }

    private const string PinnedRow7 = "eb1366ed7e4f6ffceb70b52e45f24835c6d613e60e9c778977fd09bd9a65be1e";
    private const string PinnedColumn3 = "ad5ac87fd7352c24c7dbd8a87eeac13514c29e4b0082ee3d00c26ffb97e2e66a";

    [Theory]
    [InlineData(48, 16, 5)]
    [InlineData(48, 20, 3)] // 48 is not a multiple of 20: tiles of 20, 20 and 8
    [InlineData(32, 32, 2)]
    public void Tiles_recomputed_from_the_seed_equal_the_full_product(int n, int k, int rows)
    {
        var shape = new WorkloadShape(rows, n, k);
        using var inputs = new SeededMatrices(Seed, n);
        var a = new sbyte[rows][];
        for (var i = 0; i < rows; i++)
        {
            a[i] = new sbyte[n];
            inputs.RowOfA(i, a[i]);
        }

        var b = new sbyte[n][];
        for (var j = 0; j < n; j++)
        {
            b[j] = new sbyte[n];
            inputs.ColumnOfB(j, b[j]);
        }

        var leaves = new List<byte[]>();
        for (var i = 0; i < rows; i++)
        {
            for (var tile = 0; tile < shape.TilesPerRow; tile++)
            {
                var expected = new int[shape.WidthOf(tile)];
                for (var c = 0; c < expected.Length; c++)
                {
                    var j = (tile * k) + c;
                    for (var t = 0; t < n; t++)
                    {
                        expected[c] += a[i][t] * b[j][t];
                    }
                }

                Assert.Equal(expected, TileKernel.SeededTile(inputs, shape, i, tile));
                leaves.Add(MerkleTree.LeafHash(TileKernel.LeafBytes(expected)));
            }
        }

        Assert.Equal(MerkleTree.RootOfLeafHashes(leaves), TileKernel.OutputRoot(inputs, shape));
        Assert.Equal(2UL * (ulong)rows * (ulong)n * (ulong)n, shape.WorkUnits);
    }

    [Theory]
    [InlineData(-128, -128)]
    [InlineData(127, 127)]
    [InlineData(-128, 127)]
    public void Extreme_inputs_at_the_largest_n_stay_exact_in_int32(sbyte x, sbyte y)
    {
        var n = WorkloadShape.MaxN;
        var row = Enumerable.Repeat(x, n).ToArray();
        var column = Enumerable.Repeat(y, n).ToArray();
        Assert.Equal((long)x * y * n, TileKernel.Dot(row, column));
    }

    [Fact]
    public void A_shape_that_could_overflow_or_split_an_aes_block_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkloadShape(1, WorkloadShape.MaxN + 16, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkloadShape(1, 40, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkloadShape(1, 32, 33));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkloadShape(0, 32, 8));
    }

    [Fact]
    public void Every_tile_opens_against_the_root_and_a_changed_tile_or_position_does_not()
    {
        var shape = new WorkloadShape(3, 48, 20);
        using var inputs = new SeededMatrices(Seed, 48);
        var leaves = TileKernel.LeafHashes(inputs, shape);
        var root = MerkleTree.RootOfLeafHashes(leaves);
        for (var index = 0; index < leaves.Count; index++)
        {
            var path = MerkleTree.Proof(leaves, index);
            Assert.True(MerkleTree.Verify(leaves[index], index, leaves.Count, path, root));
            Assert.False(MerkleTree.Verify(leaves[(index + 1) % leaves.Count], index, leaves.Count, path, root));
            Assert.False(MerkleTree.Verify(leaves[index], (index + 1) % leaves.Count, leaves.Count, path, root));
        }

        var tile = TileKernel.SeededTile(inputs, shape, 1, 2);
        tile[0]++;
        Assert.False(MerkleTree.Verify(MerkleTree.LeafHash(TileKernel.LeafBytes(tile)), shape.TilesPerRow + 2, leaves.Count, MerkleTree.Proof(leaves, shape.TilesPerRow + 2), root));
    }

    [Fact]
    public void Audit_paths_verify_for_every_leaf_of_trees_of_1_to_40_leaves()
    {
        for (var count = 1; count <= 40; count++)
        {
            var items = Enumerable.Range(0, count).Select(i => BitConverter.GetBytes(i)).ToList();
            var leaves = items.Select(i => MerkleTree.LeafHash(i)).ToList();
            var root = MerkleTree.Root(items);
            Assert.Equal(root, MerkleTree.RootOfLeafHashes(leaves));
            for (var index = 0; index < count; index++)
            {
                Assert.True(MerkleTree.Verify(leaves[index], index, count, MerkleTree.Proof(leaves, index), root), $"leaf {index} of {count}");
                // The path alone does not bind the leaf count (a left leaf's path is the same in a bigger tree): the
                // verifier takes the count from the receipt's shape. It does bind the position.
                Assert.False(count > 1 && MerkleTree.Verify(leaves[index], (index + 1) % count, count, MerkleTree.Proof(leaves, index), root));
            }
        }
    }
}
