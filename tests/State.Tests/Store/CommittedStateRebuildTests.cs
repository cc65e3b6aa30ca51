using System.Text;
using Chain.State.Commitment;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Tree;

namespace Chain.State.Tests.Store;

public sealed class CommittedStateRebuildTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Deleted_flat_copy_is_rebuilt_from_the_tree_on_open(bool rocksDb)
    {
        var path = Path.Combine(Path.GetTempPath(), "flat-rebuild-" + Guid.NewGuid().ToString("N"));
        try
        {
            Dictionary<string, byte[]> expected;
            byte[] root;
            using (var store = Open(rocksDb, path, out var memory))
            {
                var commitment = new TreeCommitment(store, new StateTreeOptions { KeepVersions = 4 });
                expected = CommitRandomVersions(store, commitment, versions: 40, seed: 7);
                root = commitment.LatestRoot;
                Assert.Equal(expected.Count, FlatEntries(store).Count);

                // Delete the whole flat copy and its marker, as a lost or wiped secondary index would be.
                using var wipe = store.CreateBatch();
                foreach (var (key, _) in store.IteratePrefix(ColumnFamily.State, [CommittedState.Prefix]))
                {
                    wipe.Delete(ColumnFamily.State, key);
                }

                wipe.Delete(ColumnFamily.Meta, CommittedState.MarkerKey);
                store.Write(wipe, sync: true);
                Assert.Empty(FlatEntries(store));
                Assert.Null(new CommittedState(store).Get(Encoding.UTF8.GetBytes(expected.Keys.First())));
                if (memory is not null)
                {
                    Check(memory, expected, root, rebuilds: true);
                    return;
                }
            }

            using var reopened = new RocksDbKeyValueStore(path);
            Check(reopened, expected, root, rebuilds: true);
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    [Fact]
    public void Flat_copy_written_for_another_version_is_rebuilt_and_a_current_one_is_left_alone()
    {
        using var store = new MemoryKeyValueStore();
        var commitment = new TreeCommitment(store, StateTreeOptions.KeepAll);
        var expected = CommitRandomVersions(store, commitment, versions: 12, seed: 3);
        Assert.False(new CommittedState(store).EnsureComplete(commitment));

        // A flat copy that is behind (marker of an older version) and holds a key the tree no longer has.
        using (var batch = store.CreateBatch())
        {
            batch.Put(ColumnFamily.Meta, CommittedState.MarkerKey, [0, 0, 0, 0, 0, 0, 0, 5]);
            batch.Put(ColumnFamily.State, [CommittedState.Prefix, .. "ghost"u8], "boo"u8);
            store.Write(batch, sync: true);
        }

        Check(store, expected, commitment.LatestRoot, rebuilds: true);
        Assert.Null(new CommittedState(store).Get("ghost"u8));
    }

    private static void Check(IKeyValueStore store, Dictionary<string, byte[]> expected, byte[] root, bool rebuilds)
    {
        var commitment = new TreeCommitment(store, new StateTreeOptions { KeepVersions = 4 });
        var flat = new CommittedState(store);
        Assert.Equal(rebuilds, flat.EnsureComplete(commitment));
        Assert.Equal(commitment.LatestVersion, flat.CompleteVersion);
        Assert.Equal(root, commitment.LatestRoot);
        var entries = FlatEntries(store);
        Assert.Equal(expected.Count, entries.Count);
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, flat.Get(Encoding.UTF8.GetBytes(key)));
        }

        Assert.False(flat.EnsureComplete(commitment));
    }

    private static IKeyValueStore Open(bool rocksDb, string path, out MemoryKeyValueStore? memory)
    {
        memory = rocksDb ? null : new MemoryKeyValueStore();
        return rocksDb ? new RocksDbKeyValueStore(path) : new NonDisposing(memory!);
    }

    private static List<KeyValuePair<byte[], byte[]>> FlatEntries(IKeyValueStore store) =>
        store.IteratePrefix(ColumnFamily.State, [CommittedState.Prefix]).ToList();

    /// <summary>Commits random puts and deletes as the block executor does (flat copy and tree in one batch); returns the final state.</summary>
    private static Dictionary<string, byte[]> CommitRandomVersions(IKeyValueStore store, TreeCommitment commitment, int versions, int seed)
    {
        var random = new Random(seed);
        var model = new Dictionary<string, byte[]>();
        for (var version = 0ul; version < (ulong)versions; version++)
        {
            var changes = new SortedDictionary<string, byte[]?>(StringComparer.Ordinal);
            for (var i = 0; i < 30; i++)
            {
                var key = "bank/balance/" + random.Next(200);
                if (random.Next(5) == 0)
                {
                    changes[key] = null;
                    model.Remove(key);
                }
                else
                {
                    var value = new byte[random.Next(1, 40)];
                    random.NextBytes(value);
                    changes[key] = value;
                    model[key] = value;
                }
            }

            var writes = changes.Select(c => new KeyValuePair<byte[], byte[]?>(Encoding.UTF8.GetBytes(c.Key), c.Value)).ToList();
            using var batch = store.CreateBatch();
            CommittedState.StageWrites(version, writes, batch);
            var root = commitment.Stage(version, writes, batch);
            store.Write(batch, sync: true);
            commitment.OnCommitted(version, root);
        }

        return model;
    }

    /// <summary>Lets the memory store outlive the using block that stands for closing the node.</summary>
    private sealed class NonDisposing(MemoryKeyValueStore inner) : IKeyValueStore
    {
        public byte[]? Get(ColumnFamily cf, ReadOnlySpan<byte> key) => inner.Get(cf, key);

        public bool Contains(ColumnFamily cf, ReadOnlySpan<byte> key) => inner.Contains(cf, key);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(ColumnFamily cf, byte[] start, byte[]? end) => inner.Iterate(cf, start, end);

        public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(ColumnFamily cf, byte[] prefix) => inner.IteratePrefix(cf, prefix);

        public IWriteBatch CreateBatch() => inner.CreateBatch();

        public void Write(IWriteBatch batch, bool sync) => inner.Write(batch, sync);

        public void Dispose()
        {
        }
    }
}
