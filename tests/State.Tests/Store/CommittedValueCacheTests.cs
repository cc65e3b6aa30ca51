using System.Buffers.Binary;
using System.Text;
using Chain.State.Storage;
using Chain.State.Store;

namespace Chain.State.Tests.Store;

/// <summary>
/// The cache of committed values in front of the store: reads it serves are the store's values, a commit replaces them,
/// a read racing a commit never puts an overwritten value back, and it stays within its capacity.
/// </summary>
public sealed class CommittedValueCacheTests
{
    private static byte[] Key(string s) => Encoding.ASCII.GetBytes(s);

    private static List<KeyValuePair<byte[], byte[]?>> Writes(params (string Key, byte[]? Value)[] writes) =>
        writes.Select(w => new KeyValuePair<byte[], byte[]?>(Key(w.Key), w.Value)).OrderBy(w => w.Key, ByteArrayComparer.Instance).ToList();

    /// <summary>Commits <paramref name="writes"/> as a block does: staged into one batch, written through the cache.</summary>
    private static void Commit(MemoryKeyValueStore store, CommittedState state, ulong version, List<KeyValuePair<byte[], byte[]?>> writes, Action? during = null)
    {
        using var batch = store.CreateBatch();
        CommittedState.StageWrites(version, writes, batch);
        state.Commit(writes, () =>
        {
            during?.Invoke();
            store.Write(batch, sync: true);
        });
    }

    /// <summary>Writes straight to the store, behind the cache's back: shows whether a read came from the cache.</summary>
    private static void WriteBehind(MemoryKeyValueStore store, string key, byte[] value)
    {
        using var batch = store.CreateBatch();
        CommittedState.StageWrites(99, Writes((key, value)), batch);
        store.Write(batch, sync: true);
    }

    [Fact]
    public void A_value_read_once_is_served_from_memory_and_each_caller_gets_its_own_copy()
    {
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store);
        Commit(store, state, 1, Writes(("a", [1, 2, 3])));
        state.Cache!.Clear();

        var first = state.Get(Key("a"))!;
        Assert.Equal(1, state.Cache.Misses);
        first[0] = 42; // a caller changing what it got
        WriteBehind(store, "a", [9, 9, 9]);

        Assert.Equal([1, 2, 3], state.Get(Key("a")));
        Assert.Equal(1, state.Cache.Hits);
        Assert.Null(state.Get(Key("missing")));
        WriteBehind(store, "missing", [7]);
        Assert.Null(state.Get(Key("missing"))); // absence is cached too
        Assert.Equal(2, state.Cache.Misses);
    }

    [Fact]
    public void Without_the_cache_every_read_goes_to_the_store()
    {
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store, valueCacheBytes: 0);
        Commit(store, state, 1, Writes(("a", [1])));

        Assert.Null(state.Cache);
        Assert.Equal([1], state.Get(Key("a")));
        WriteBehind(store, "a", [2]);
        Assert.Equal([2], state.Get(Key("a")));
    }

    [Fact]
    public void A_commit_replaces_cached_values_caches_new_keys_and_forgets_deleted_ones()
    {
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store);
        Commit(store, state, 1, Writes(("a", [1]), ("b", [2])));
        Assert.Equal([1], state.Get(Key("a")));
        Assert.Equal([2], state.Get(Key("b")));

        Commit(store, state, 2, Writes(("a", [10]), ("b", null), ("c", [3])));
        var misses = state.Cache!.Misses;

        Assert.Equal([10], state.Get(Key("a")));
        Assert.Null(state.Get(Key("b")));
        Assert.Equal([3], state.Get(Key("c")));
        Assert.Equal(misses, state.Cache.Misses); // all three came from the cache, as the commit left them
        Assert.Null(store.Get(ColumnFamily.State, [CommittedState.Prefix, .. Key("b")]));
    }

    [Fact]
    public void A_read_that_began_before_a_commit_never_puts_the_overwritten_value_back()
    {
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store);
        var cache = state.Cache!;
        Commit(store, state, 1, Writes(("a", [1])));
        cache.Clear();

        var version = cache.Version; // a reader starts, reads the old value from the store ...
        var old = store.Get(ColumnFamily.State, [CommittedState.Prefix, .. Key("a")]);
        Commit(store, state, 2, Writes(("a", [2]))); // ... a block commits ...
        cache.Add(Key("a"), old, version); // ... and the reader offers what it read

        Assert.Equal([2], state.Get(Key("a")));
    }

    [Fact]
    public void While_a_block_is_written_its_keys_are_read_from_the_store_and_nothing_is_added()
    {
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store);
        var cache = state.Cache!;
        Commit(store, state, 1, Writes(("a", [1]), ("other", [5])));

        Commit(store, state, 2, Writes(("a", [2])), during: () =>
        {
            Assert.False(cache.TryGet(Key("a"), out _)); // out while the store is written
            Assert.Equal([1], state.Get(Key("a"))); // from the store, which has not changed yet
            Assert.False(cache.TryGet(Key("a"), out _)); // and that read was not kept
            Assert.True(cache.TryGet(Key("other"), out var other)); // keys the block leaves alone stay
            Assert.Equal([5], other);
        });

        Assert.True(cache.TryGet(Key("a"), out var after));
        Assert.Equal([2], after);
    }

    [Fact]
    public void A_write_that_fails_leaves_the_blocks_keys_out_of_the_cache_and_reads_give_the_stores_values()
    {
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store);
        Commit(store, state, 1, Writes(("a", [1])));

        Assert.Throws<IOException>(() => Commit(store, state, 2, Writes(("a", [2])), during: () => throw new IOException("disk full")));

        Assert.False(state.Cache!.TryGet(Key("a"), out _));
        Assert.Equal([1], state.Get(Key("a")));
        Assert.True(state.Cache.TryGet(Key("a"), out var cached)); // reads fill it again
        Assert.Equal([1], cached);
    }

    [Fact]
    public void The_cache_stays_within_its_capacity_and_keeps_a_key_in_use()
    {
        const long capacity = 64 * 1024;
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store, capacity);
        var writes = Writes(Enumerable.Range(0, 5_000).Select(i => ($"k{i:D5}", (byte[]?)new byte[16])).Append(("hot", [1])).ToArray());
        Commit(store, state, 1, writes);
        state.Cache!.Clear();

        state.Get(Key("hot"));
        for (var i = 0; i < 5_000; i++)
        {
            state.Get(Key($"k{i:D5}"));
            if (i % 100 == 0)
            {
                Assert.Equal([1], state.Get(Key("hot")));
            }

            Assert.InRange(state.Cache.Bytes, 0, capacity);
        }

        Assert.Equal(1, state.Cache.Misses - 5_000); // "hot" was read from the store once
        Assert.True(state.Cache.TryGet(Key("hot"), out _));
        Assert.False(state.Cache.TryGet(Key("k00000"), out _)); // long unused: dropped
    }

    [Fact]
    public async Task Readers_racing_commits_never_see_a_key_go_back_and_end_at_the_last_value()
    {
        const int keys = 16;
        const int versions = 1_500;
        var store = new MemoryKeyValueStore();
        var state = new CommittedState(store);
        static byte[] Value(int v)
        {
            var b = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, v);
            return b;
        }

        Commit(store, state, 1, Writes(Enumerable.Range(0, keys).Select(k => ($"key{k:D2}", (byte[]?)Value(0))).ToArray()));
        var done = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var seen = new long[keys];
            while (Volatile.Read(ref done) == 0)
            {
                for (var k = 0; k < keys; k++)
                {
                    var v = BinaryPrimitives.ReadInt64BigEndian(state.Get(Key($"key{k:D2}")));
                    if (v < seen[k])
                    {
                        failures.Enqueue($"reader {r} saw key {k} go from {seen[k]} back to {v}");
                    }

                    seen[k] = v;
                }
            }
        })).ToArray();

        for (var v = 1; v <= versions; v++)
        {
            // Each version changes half the keys, so reads of the others keep hitting while a block is written.
            var changed = Enumerable.Range(0, keys).Where(k => (k + v) % 2 == 0).Select(k => ($"key{k:D2}", (byte[]?)Value(v))).ToArray();
            Commit(store, state, (ulong)v + 1, Writes(changed));
        }

        Volatile.Write(ref done, 1);
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        for (var k = 0; k < keys; k++)
        {
            var last = (k + versions) % 2 == 0 ? versions : versions - 1;
            Assert.Equal(last, BinaryPrimitives.ReadInt64BigEndian(state.Get(Key($"key{k:D2}"))));
            Assert.Equal(last, BinaryPrimitives.ReadInt64BigEndian(store.Get(ColumnFamily.State, [CommittedState.Prefix, .. Key($"key{k:D2}")])));
        }

        Assert.True(state.Cache!.Hits > 0);
    }
}
