using Chain.Crypto;
using Chain.Modules.Work.Kernels;

namespace Chain.Work.Prover.Tests;

/// <summary>
/// The three paths are interchangeable only if they agree bit for bit: every prover available here gives the C of an
/// independent triple loop, the root of <see cref="MerkleTree.RootOfLeafHashes"/> over independently hashed tiles,
/// and the audit paths of <see cref="MerkleTree.Proof"/>, on inputs that stress the arithmetic (extremes, mixed
/// signs), the tiling (n not a multiple of k, k of 1 and of n, leaves whose padding spills into a second SHA-256
/// block) and the row handling (a single row, rows not a multiple of 4 or of the 64-row GPU block).
/// </summary>
public sealed class ProverEqualityTests(ProverSet set) : IClassFixture<ProverSet>
{
    public static TheoryData<string, int, int, int> Cases => new()
    {
        { "seeded", 5, 48, 20 },     // tiles of 20, 20, 8; 5 rows
        { "seeded", 1, 64, 16 },     // a single row
        { "seeded", 3, 64, 14 },     // a 57-byte leaf: its padding takes a second block
        { "seeded", 6, 64, 13 },     // a 53-byte leaf fits one block; 64 = 4·13 + 12
        { "seeded", 2, 32, 1 },      // one value per tile
        { "seeded", 2, 32, 32 },     // one tile per row
        { "seeded", 67, 80, 16 },    // more rows than one GPU block, not a multiple of 4; n not a multiple of 64
        { "random", 9, 96, 24 },
        { "random", 130, 48, 16 },   // three GPU row blocks
        { "all -128", 7, 64, 16 },   // the largest products, all positive
        { "all 127", 4, 64, 20 },
        { "-128 x 127", 5, 64, 16 }, // the most negative products
        { "mixed extremes", 6, 112, 30 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_available_prover_gives_the_same_product_root_and_paths(string inputs, int rows, int n, int k)
    {
        var shape = new WorkloadShape(rows, n, k);
        var (a, b) = Inputs(inputs, shape);
        var expected = ReferenceProduct(a, b, shape);
        var leaves = ReferenceLeaves(expected, shape);
        var root = MerkleTree.RootOfLeafHashes(leaves);
        var opened = new[] { 0L, leaves.Count / 2, leaves.Count - 1 };

        Assert.True(set.Provers.Count >= 2 + (set.CudaDevices.Count > 0 ? 2 : 0));
        foreach (var prover in set.Provers)
        {
            Assert.True(expected.AsSpan().SequenceEqual(prover.Multiply(a, b, shape)), $"{prover.Name}: C differs");
            var tree = prover.Commit(a, b, shape);
            Assert.True(root.AsSpan().SequenceEqual(tree.Root), $"{prover.Name}: root differs");
            Assert.Equal(leaves.Count, tree.LeafCount);
            foreach (var index in opened)
            {
                var path = tree.Open(index);
                Assert.Equal(MerkleTree.Proof(leaves, (int)index), path);
                Assert.True(MerkleTree.Verify(leaves[(int)index], index, leaves.Count, path, root), $"{prover.Name}: tile {index} does not open");
            }
        }
    }

    [Fact]
    public void Every_level_of_the_device_trees_equals_the_cpu_tree()
    {
        var shape = new WorkloadShape(11, 48, 20);
        var (a, b) = SeededWorkload.Generate(Hashes.Sha256("levels"u8), shape);
        var reference = new TileTree(TileKernel.LeafHashes(TileKernel.Multiply(a, b, shape), shape));
        foreach (var prover in set.Provers)
        {
            var tree = prover.Commit(a, b, shape);
            Assert.Equal(reference.LevelCount, tree.LevelCount);
            for (var level = 0; level < reference.LevelCount; level++)
            {
                Assert.True(reference.Level(level).SequenceEqual(tree.Level(level)), $"{prover.Name}: level {level} differs");
            }
        }
    }

    private static (sbyte[] A, sbyte[] B) Inputs(string kind, WorkloadShape shape)
    {
        var a = new sbyte[shape.Rows * shape.N];
        var b = new sbyte[shape.N * shape.N];
        switch (kind)
        {
            case "seeded":
                return SeededWorkload.Generate(Hashes.Sha256(System.Text.Encoding.ASCII.GetBytes($"{shape}")), shape);
            case "random":
                var random = new Random(shape.Rows * 7919 + shape.N);
                random.NextBytes((byte[])(Array)a);
                random.NextBytes((byte[])(Array)b);
                break;
            case "all -128":
                Array.Fill(a, sbyte.MinValue);
                Array.Fill(b, sbyte.MinValue);
                break;
            case "all 127":
                Array.Fill(a, sbyte.MaxValue);
                Array.Fill(b, sbyte.MaxValue);
                break;
            case "-128 x 127":
                Array.Fill(a, sbyte.MinValue);
                Array.Fill(b, sbyte.MaxValue);
                break;
            case "mixed extremes":
                // -128 and 127 in a pattern that differs between rows and columns, so C has large values of both signs.
                for (var t = 0; t < a.Length; t++)
                {
                    a[t] = (t / 3 + t / shape.N) % 2 == 0 ? sbyte.MinValue : sbyte.MaxValue;
                }

                for (var t = 0; t < b.Length; t++)
                {
                    b[t] = (t / 5 + t / shape.N) % 3 == 0 ? sbyte.MinValue : sbyte.MaxValue;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind);
        }

        return (a, b);
    }

    /// <summary>The product by the textbook triple loop, nothing shared with the provers.</summary>
    private static int[] ReferenceProduct(sbyte[] a, sbyte[] b, WorkloadShape shape)
    {
        var n = shape.N;
        var c = new int[shape.Rows * n];
        for (var i = 0; i < shape.Rows; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0;
                for (var t = 0; t < n; t++)
                {
                    sum += a[(i * n) + t] * b[(j * n) + t];
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    private static List<byte[]> ReferenceLeaves(int[] c, WorkloadShape shape)
    {
        var leaves = new List<byte[]>();
        for (var i = 0; i < shape.Rows; i++)
        {
            for (var tile = 0; tile < shape.TilesPerRow; tile++)
            {
                var values = c.AsSpan((i * shape.N) + (tile * shape.TileWidth), shape.WidthOf(tile));
                leaves.Add(MerkleTree.LeafHash(TileKernel.LeafBytes(values)));
            }
        }

        return leaves;
    }
}
