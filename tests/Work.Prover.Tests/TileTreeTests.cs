using Chain.Crypto;
using Chain.Modules.Work.Kernels;

namespace Chain.Work.Prover.Tests;

public sealed class TileTreeTests
{
    [Fact]
    public void Level_pairing_with_odd_nodes_promoted_is_rfc_6962_for_every_count_from_1_to_70()
    {
        for (var count = 1; count <= 70; count++)
        {
            var leaves = Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i * 31 + count))).ToList();
            var tree = new TileTree([.. leaves.SelectMany(l => l)]);
            var root = MerkleTree.RootOfLeafHashes(leaves);
            Assert.Equal(root, tree.Root);
            Assert.Equal(count, tree.LeafCount);
            for (var index = 0; index < count; index++)
            {
                var path = tree.Open(index);
                Assert.Equal(MerkleTree.Proof(leaves, index), path);
                Assert.True(MerkleTree.Verify(leaves[index], index, count, path, root), $"leaf {index} of {count}");
                Assert.Equal(leaves[index], tree.LeafHash(index));
            }
        }
    }

    [Fact]
    public void A_large_tree_hashed_in_parallel_has_the_rfc_6962_root()
    {
        const int count = 3 * 4096 + 5; // levels above the parallel threshold, odd counts on the way up
        var leaves = Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToList();
        var tree = new TileTree([.. leaves.SelectMany(l => l)]);
        Assert.Equal(MerkleTree.RootOfLeafHashes(leaves), tree.Root);
        Assert.True(MerkleTree.Verify(leaves[count - 1], count - 1, count, tree.Open(count - 1), tree.Root));
    }

    [Fact]
    public void The_flat_leaf_hashes_of_c_are_the_seeded_leaf_hashes()
    {
        var shape = new WorkloadShape(5, 48, 20);
        var seed = Hashes.Sha256("flat leaves"u8);
        using var inputs = new SeededMatrices(seed, shape.N);
        var (a, b) = SeededWorkload.Generate(seed, shape);
        var flat = TileKernel.LeafHashes(TileKernel.Multiply(a, b, shape), shape);
        Assert.Equal(TileKernel.LeafHashes(inputs, shape).SelectMany(l => l), flat);
        Assert.Equal(TileKernel.OutputRoot(inputs, shape), TileTree.Of(TileKernel.Multiply(a, b, shape), shape).Root);
    }

    [Fact]
    public void Levels_from_elsewhere_must_have_the_sizes_of_a_tree()
    {
        var leaves = new byte[5 * 32];
        var tree = new TileTree(leaves);
        var levels = Enumerable.Range(0, tree.LevelCount).Select(l => tree.Level(l).ToArray()).ToArray();
        Assert.Equal(tree.Root, TileTree.FromLevels(levels).Root);
        Assert.Throws<ArgumentException>(() => TileTree.FromLevels(levels[..^1]));                       // no root
        Assert.Throws<ArgumentException>(() => TileTree.FromLevels([.. levels, new byte[32]]));          // above the root
        Assert.Throws<ArgumentException>(() => TileTree.FromLevels([levels[0], new byte[2 * 32], .. levels[2..]])); // 5 leaves have 3 parents
        Assert.Throws<ArgumentException>(() => TileTree.FromLevels([new byte[31]]));
        Assert.Throws<ArgumentException>(() => new TileTree([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Open(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Open(-1));
    }
}
