using System.Text;
using Chain.State.Storage;
using Chain.State.Tree;

namespace Chain.State.Tests.Tree;

/// <summary>
/// Random insert/update/delete batches over many versions, checked at every version against a map per
/// version whose root and proofs are recomputed from scratch by <see cref="ReferenceSparseMerkleTree"/>.
/// </summary>
public sealed class JellyfishMerkleTreeModelTests
{
    [Theory]
    [InlineData(1, 150, 1200, 0ul, 160L << 20)]
    [InlineData(2, 40, 1500, 0ul, 160L << 20)]
    [InlineData(3, 150, 1200, 5ul, 160L << 20)]
    [InlineData(4, 3000, 100, 3ul, 160L << 20)]
    [InlineData(5, 12, 2000, 1ul, 160L << 20)]
    [InlineData(6, 400, 800, 2ul, 0L)]
    [InlineData(7, 400, 800, 0ul, 2_000L)]
    public void Tree_matches_a_from_scratch_model_at_every_version(int seed, int keySpace, int versions, ulong keep, long cachedNodeBytes)
    {
        var random = new Random(seed);
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, new StateTreeOptions { KeepVersions = keep, CachedNodeBytes = cachedNodeBytes });
        var model = new Dictionary<string, byte[]>();
        var history = new List<(Dictionary<string, byte[]> State, ReferenceSparseMerkleTree Reference)>();

        for (var version = 0ul; version < (ulong)versions; version++)
        {
            var changes = new List<KeyValuePair<byte[], byte[]?>>();
            if (random.Next(200) == 0)
            {
                // Delete everything: the tree must go back to the empty root.
                foreach (var key in model.Keys)
                {
                    changes.Add(new(Encoding.UTF8.GetBytes(key), null));
                }
            }
            else
            {
                var n = random.Next(0, 24);
                for (var i = 0; i < n; i++)
                {
                    var key = "key-" + random.Next(keySpace);
                    byte[]? value = random.Next(10) < 3 ? null : RandomValue(random);
                    changes.Add(new(Encoding.UTF8.GetBytes(key), value));
                }
            }

            foreach (var (key, value) in changes)
            {
                var name = Encoding.UTF8.GetString(key);
                if (value is null)
                {
                    model.Remove(name);
                }
                else
                {
                    model[name] = value;
                }
            }

            byte[] root;
            if (random.Next(50) == 0)
            {
                // A version staged and dropped (a block that never commits): nothing of it may show later.
                using var dropped = store.CreateBatch();
                tree.ApplyBatch(version, [new(Encoding.UTF8.GetBytes("dropped-" + random.Next(keySpace)), RandomValue(random))], dropped);
            }

            using (var batch = store.CreateBatch())
            {
                root = tree.ApplyBatch(version, changes, batch);
                store.Write(batch, sync: false);
            }

            using (var prune = store.CreateBatch())
            {
                tree.Prune(version, prune);
                store.Write(prune, sync: false);
            }

            var reference = new ReferenceSparseMerkleTree(model);
            var expectedRoot = reference.Root;
            Assert.Equal(expectedRoot, root);
            Assert.Equal(expectedRoot, tree.RootHash(version));
            Assert.Equal(version, tree.LatestVersion);
            if (model.Count == 0)
            {
                Assert.Equal(JellyfishMerkleTree.EmptyRootHash, root);
            }

            var snapshot = new Dictionary<string, byte[]>(model);
            history.Add((snapshot, reference));

            // Values and proofs of touched keys, a few other keys and a few absent keys.
            var probes = new List<string>();
            foreach (var (key, _) in changes.Take(6))
            {
                probes.Add(Encoding.UTF8.GetString(key));
            }

            for (var i = 0; i < 3; i++)
            {
                probes.Add("key-" + random.Next(keySpace));
            }

            probes.Add("never-" + random.Next());
            foreach (var probe in probes)
            {
                CheckKey(tree, snapshot, reference, probe, version);
            }

            // Every retained older version is intact, every pruned one is gone.
            if (version % 97 == 0 || version + 1 == (ulong)versions)
            {
                CheckHistory(tree, history, version, keep, random, keySpace);
            }
        }
    }

    private static void CheckHistory(JellyfishMerkleTree tree, List<(Dictionary<string, byte[]> State, ReferenceSparseMerkleTree Reference)> history, ulong latest, ulong keep, Random random, int keySpace)
    {
        for (var v = 0ul; v <= latest; v++)
        {
            var retained = keep == 0 || v + keep > latest;
            var (state, reference) = history[(int)v];
            if (retained)
            {
                Assert.Equal(reference.Root, tree.RootHash(v));
                if (random.Next((int)latest + 1) < 12)
                {
                    CheckKey(tree, state, reference, "key-" + random.Next(keySpace), v);
                    foreach (var key in state.Keys.Take(2))
                    {
                        CheckKey(tree, state, reference, key, v);
                    }
                }
            }
            else if (v + keep + 20 > latest || random.Next(20) == 0)
            {
                Assert.Throws<VersionNotAvailableException>(() => tree.RootHash(v));
                Assert.Throws<VersionNotAvailableException>(() => tree.Get("key-0"u8, v));
                Assert.Throws<VersionNotAvailableException>(() => tree.GetWithProof("key-0"u8, v));
            }
        }

        Assert.Throws<VersionNotAvailableException>(() => tree.RootHash(latest + 1));
    }

    private static void CheckKey(JellyfishMerkleTree tree, Dictionary<string, byte[]> state, ReferenceSparseMerkleTree reference, string name, ulong version)
    {
        var root = reference.Root;
        var key = Encoding.UTF8.GetBytes(name);
        state.TryGetValue(name, out var expected);
        Assert.Equal(expected, tree.Get(key, version));

        var result = tree.GetWithProof(key, version);
        Assert.Equal(expected, result.Value);
        var (siblings, leaf) = reference.Proof(key);
        var encoded = result.Proof.Encode();
        Assert.Equal(ReferenceSparseMerkleTree.EncodeProof(siblings, leaf), encoded);

        var decoded = SparseMerkleProof.Decode(encoded);
        if (expected is null)
        {
            Assert.True(decoded.VerifyNonInclusion(root, key));
            Assert.False(decoded.VerifyInclusion(root, key, []));
        }
        else
        {
            Assert.True(decoded.VerifyInclusion(root, key, expected));
            Assert.False(decoded.VerifyNonInclusion(root, key));
            Assert.False(decoded.VerifyInclusion(root, key, [.. expected, 0]));
        }
    }

    private static byte[] RandomValue(Random random)
    {
        var value = new byte[random.Next(0, 40)];
        random.NextBytes(value);
        return value;
    }
}
