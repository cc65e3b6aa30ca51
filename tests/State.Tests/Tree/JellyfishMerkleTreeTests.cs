using Chain.State.Storage;
using Chain.State.Tree;
using static Chain.State.Tests.Tree.TreeFixture;

namespace Chain.State.Tests.Tree;

public sealed class JellyfishMerkleTreeTests
{
    [Fact]
    public void Reopened_store_is_at_the_last_committed_version_when_the_process_dies_before_the_block_commits()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        Commit(store, tree, 1, Put("a", "1"), Put("b", "2"));
        var committed = Commit(store, tree, 2, Put("a", "10"), Put("c", "3"));
        var countBefore = store.Iterate(ColumnFamily.State, [0], null).Count();

        // Version 3 is staged (tree nodes, values, stale index, root) but the process dies before the
        // block's batch is written: the batch is dropped.
        using (var batch = store.CreateBatch())
        {
            var staged = tree.ApplyBatch(3, [Put("a", "100"), Delete("b"), Put("d", "4")], batch);
            Assert.True(batch.Count > 0);
            Assert.NotEqual(committed, staged);
        }

        var reopened = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        Assert.Equal(2ul, reopened.LatestVersion);
        Assert.Equal(committed, reopened.RootHash(2));
        Assert.Throws<VersionNotAvailableException>(() => reopened.RootHash(3));
        Assert.Equal("10"u8.ToArray(), reopened.Get(Key("a"), 2));
        Assert.Equal("2"u8.ToArray(), reopened.Get(Key("b"), 2));
        Assert.Null(reopened.Get(Key("d"), 2));
        Assert.Equal(countBefore, store.Iterate(ColumnFamily.State, [0], null).Count());

        // Replaying the block (here with other txs) gives version 3 as if the first attempt never happened.
        var replayed = Commit(store, reopened, 3, Put("e", "5"));
        var reference = new ReferenceSparseMerkleTree(new Dictionary<string, byte[]>
        {
            ["a"] = "10"u8.ToArray(), ["b"] = "2"u8.ToArray(), ["c"] = "3"u8.ToArray(), ["e"] = "5"u8.ToArray(),
        });
        Assert.Equal(reference.Root, replayed);
        Assert.Equal(3ul, new JellyfishMerkleTree(store, StateTreeOptions.KeepAll).LatestVersion);
    }

    [Fact]
    public void Nodes_written_without_their_root_change_nothing_and_are_discarded_or_replaced()
    {
        using var store = new MemoryKeyValueStore();
        var options = new StateTreeOptions { KeepVersions = 2 };
        var tree = new JellyfishMerkleTree(store, options);
        var model = new Dictionary<string, byte[]>();
        for (var v = 0ul; v < 6; v++)
        {
            var changes = new List<KeyValuePair<byte[], byte[]?>>();
            for (var i = 0; i < 40; i++)
            {
                var name = "k" + ((v * 7) + (ulong)i) % 90;
                changes.Add(Put(name, "v" + v));
                model[name] = System.Text.Encoding.UTF8.GetBytes("v" + v);
            }

            Commit(store, tree, v, [.. changes]);
            using var prune = store.CreateBatch();
            tree.Prune(v, prune);
            store.Write(prune, sync: true);
        }

        var committed = tree.RootHash(5);
        var entriesBefore = store.Iterate(ColumnFamily.State, [0], null).Count();

        // Version 6: the nodes and the stale record reach the store, the root record never does (the process died).
        using (var nodes = store.CreateBatch())
        using (var roots = store.CreateBatch())
        {
            var changes = new List<KeyValuePair<byte[], byte[]?>>();
            for (var i = 0; i < 60; i++)
            {
                changes.Add(Put("k" + i, "crashed"));
                changes.Add(Delete("k" + (i + 30)));
            }

            tree.ApplyBatch(6, changes, nodes, roots);
            store.Write(nodes, sync: true);
        }

        Assert.True(store.Iterate(ColumnFamily.State, [0], null).Count() > entriesBefore);
        var reopened = new JellyfishMerkleTree(store, options);
        Assert.Equal(5ul, reopened.LatestVersion);
        Assert.Equal(committed, reopened.RootHash(5));
        Assert.Equal(new ReferenceSparseMerkleTree(model).Root, committed);
        Assert.Throws<VersionNotAvailableException>(() => reopened.RootHash(6));
        Assert.Equal(model.Count, reopened.Enumerate(5).Count());
        foreach (var (name, value) in model)
        {
            Assert.Equal(value, reopened.Get(Key(name), 5));
        }

        // Opening again drops the orphans; or, without that, staging version 6 again replaces its stale record.
        using (var discard = store.CreateBatch())
        {
            Assert.True(reopened.DiscardUncommitted(discard) > 0);
            store.Write(discard, sync: true);
        }

        Assert.Equal(entriesBefore, store.Iterate(ColumnFamily.State, [0], null).Count());
        using (var none = store.CreateBatch())
        {
            Assert.Equal(0, reopened.DiscardUncommitted(none));
        }

        for (var v = 6ul; v < 12; v++)
        {
            var name = "k" + v;
            model[name] = System.Text.Encoding.UTF8.GetBytes("after" + v);
            Assert.Equal(new ReferenceSparseMerkleTree(model).Root, Commit(store, reopened, v, Put(name, "after" + v)));
            using var prune = store.CreateBatch();
            reopened.Prune(v, prune);
            store.Write(prune, sync: true);
        }

        foreach (var (name, value) in model)
        {
            Assert.Equal(value, reopened.Get(Key(name), 11));
        }

        Assert.Throws<VersionNotAvailableException>(() => reopened.Get(Key("k1"), 9));
    }

    [Fact]
    public void A_replayed_version_replaces_the_stale_record_of_the_attempt_that_died()
    {
        using var store = new MemoryKeyValueStore();
        var options = new StateTreeOptions { KeepVersions = 1 };
        var tree = new JellyfishMerkleTree(store, options);
        Commit(store, tree, 0, Put("a", "1"), Put("b", "2"), Put("c", "3"));

        // The attempt that died replaced "a" and "b": its stale record lists their leaves.
        using (var nodes = store.CreateBatch())
        using (var roots = store.CreateBatch())
        {
            tree.ApplyBatch(1, [Put("a", "x"), Put("b", "y")], nodes, roots);
            store.Write(nodes, sync: true);
        }

        // The replay changes only "c"; pruning must not take the leaves of "a" and "b", which version 1 still uses.
        var reopened = new JellyfishMerkleTree(store, options);
        Commit(store, reopened, 1, Put("c", "30"));
        for (var v = 1ul; v < 3; v++)
        {
            using var prune = store.CreateBatch();
            reopened.Prune(v, prune);
            store.Write(prune, sync: true);
            if (v == 1)
            {
                Commit(store, reopened, 2, Put("d", "4"));
            }
        }

        Assert.Equal("1"u8.ToArray(), reopened.Get(Key("a"), 2));
        Assert.Equal("2"u8.ToArray(), reopened.Get(Key("b"), 2));
        Assert.Equal("30"u8.ToArray(), reopened.Get(Key("c"), 2));
    }

    [Fact]
    public void Empty_store_has_no_version_and_the_first_version_may_be_any()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        Assert.Null(tree.LatestVersion);
        Assert.Throws<VersionNotAvailableException>(() => tree.RootHash(0));
        Commit(store, tree, 5, Put("a", "1"));
        Assert.Equal(5ul, tree.LatestVersion);
        Assert.Throws<VersionNotAvailableException>(() => tree.Get(Key("a"), 4));
    }

    [Fact]
    public void A_version_other_than_latest_plus_one_is_refused()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        Commit(store, tree, 1, Put("a", "1"));
        using var batch = store.CreateBatch();
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ApplyBatch(1, [Put("a", "2")], batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ApplyBatch(3, [Put("a", "2")], batch));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Last_write_of_a_key_in_one_batch_wins()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        var root = Commit(store, tree, 1, Put("a", "1"), Put("b", "x"), Put("a", "2"), Delete("b"), Put("c", "3"), Delete("c"), Put("c", "4"));
        Assert.Equal("2"u8.ToArray(), tree.Get(Key("a"), 1));
        Assert.Null(tree.Get(Key("b"), 1));
        Assert.Equal("4"u8.ToArray(), tree.Get(Key("c"), 1));
        var expected = new ReferenceSparseMerkleTree(new Dictionary<string, byte[]> { ["a"] = "2"u8.ToArray(), ["c"] = "4"u8.ToArray() });
        Assert.Equal(expected.Root, root);
    }

    [Fact]
    public void Deleting_every_key_gives_the_empty_root_and_old_versions_stay_readable()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        var changes = new List<KeyValuePair<byte[], byte[]?>>();
        var deletes = new List<KeyValuePair<byte[], byte[]?>>();
        for (var i = 0; i < 500; i++)
        {
            changes.Add(Put("k" + i, "v" + i));
            deletes.Add(Delete("k" + i));
        }

        var full = Commit(store, tree, 1, [.. changes]);
        Assert.Equal(JellyfishMerkleTree.EmptyRootHash, Commit(store, tree, 2, [.. deletes]));
        Assert.Null(tree.Get(Key("k1"), 2));
        Assert.Equal("v1"u8.ToArray(), tree.Get(Key("k1"), 1));
        Assert.Equal(full, tree.RootHash(1));
        Assert.Equal(JellyfishMerkleTree.EmptyRootHash, Commit(store, tree, 3, Delete("k1")));
        Commit(store, tree, 4, Put("x", "7"));
        Assert.Equal("7"u8.ToArray(), tree.Get(Key("x"), 4));
    }

    [Fact]
    public void Only_changed_nodes_are_written()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        var changes = new List<KeyValuePair<byte[], byte[]?>>();
        for (var i = 0; i < 2000; i++)
        {
            changes.Add(Put("k" + i, "v" + i));
        }

        var root = Commit(store, tree, 1, [.. changes]);

        // Rewriting a value with itself and deleting absent keys changes nothing but the version's root record.
        using (var batch = store.CreateBatch())
        {
            Assert.Equal(root, tree.ApplyBatch(2, [Put("k5", "v5"), Delete("absent")], batch));
            Assert.Equal(3, batch.Count); // root record, latest version, stale mark of the previous root record
            store.Write(batch, sync: true);
        }

        // One changed key rewrites the nodes on its path (about log16(2000) + 1) and its value, not the tree.
        using (var batch = store.CreateBatch())
        {
            tree.ApplyBatch(3, [Put("k5", "new")], batch);
            Assert.InRange(batch.Count, 5, 20);
        }
    }

    [Fact]
    public void Pruning_removes_what_only_old_versions_need()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, new StateTreeOptions { KeepVersions = 2 });
        for (var v = 0ul; v < 50; v++)
        {
            Commit(store, tree, v, Put("k" + (v % 7), "v" + v), Put("stable", "s"));
        }

        var before = store.Iterate(ColumnFamily.State, [0], null).Count();
        using (var batch = store.CreateBatch())
        {
            tree.Prune(49, batch);
            store.Write(batch, sync: true);
        }

        var after = store.Iterate(ColumnFamily.State, [0], null).Count();
        Assert.True(after < before / 3, $"{before} -> {after} entries");
        Assert.Throws<VersionNotAvailableException>(() => tree.Get(Key("stable"), 47));
        Assert.Equal("s"u8.ToArray(), tree.Get(Key("stable"), 48));
        Assert.Equal("v48"u8.ToArray(), tree.Get(Key("k6"), 49));
        Assert.Equal("v42"u8.ToArray(), tree.Get(Key("k0"), 48));
        Assert.DoesNotContain(store.Iterate(ColumnFamily.State, [0], null), e => e.Key[0] == (byte)'L');
    }
}
