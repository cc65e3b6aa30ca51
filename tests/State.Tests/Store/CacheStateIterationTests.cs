using System.Text;
using Chain.State.Storage;
using Chain.State.Store;

namespace Chain.State.Tests.Store;

/// <summary>
/// Iterating a prefix through a block's cache reads the committed range one entry at a time, so gas is charged for
/// each entry before the next is read: a tx cannot make the node read a huge range for a fixed fee. The merge of
/// the cache's writes over the committed entries gives the same answer as a plain sorted map.
/// </summary>
public sealed class CacheStateIterationTests
{
    private static byte[] Key(string prefix, int i) => Encoding.ASCII.GetBytes($"{prefix}{i:D6}");

    [Fact]
    public void A_tx_iterating_a_large_range_runs_out_of_gas_after_reading_what_its_gas_pays_for()
    {
        const int committed = 10_000;
        var parent = new CountingReader(Enumerable.Range(0, committed).Select(i => (Key("k/", i), new byte[8])));
        var cache = new CacheState(parent);
        cache.Set(Key("k/", 5), new byte[8]); // a write of this block over a committed key
        cache.Delete(Key("k/", 7));

        var costs = GasCosts.Default;
        var perItem = costs.IterNextFlat + costs.ReadPerByte * (8 + 8);
        const ulong paidItems = 100;
        var meter = new GasMeter(costs.ReadFlat + paidItems * perItem + perItem / 2);
        var store = new GasMeteredStore(cache, meter, costs);

        var seen = 0;
        Assert.Throws<OutOfGasException>(() =>
        {
            foreach (var _ in store.IteratePrefix("k/"u8.ToArray()))
            {
                seen++;
            }
        });

        Assert.Equal((int)paidItems, seen);
        // One entry deleted in the cache is skipped, one more is read ahead to compare with the cache's next write.
        Assert.True(parent.Read <= (int)paidItems + 3, $"the committed store was read {parent.Read} entries deep for {paidItems} paid items");
    }

    [Fact]
    public void Merged_iteration_equals_a_sorted_map_of_committed_entries_and_cached_writes()
    {
        var ops = Gen.Select(Gen.Int[0, 40], Gen.Int[0, 2]).Array[0, 60];
        Gen.Select(Gen.Int[0, 40].Array[0, 40], ops, Gen.Int[0, 3]).Sample((committedKeys, writes, prefixChoice) =>
        {
            var prefixes = new[] { "a/", "b/", "a/0000", "" };
            var model = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
            foreach (var i in committedKeys)
            {
                model[Key(i % 2 == 0 ? "a/" : "b/", i)] = [(byte)i];
            }

            var parent = new CountingReader(model.Select(kv => (kv.Key, kv.Value)));
            var cache = new CacheState(parent);
            foreach (var (i, op) in writes)
            {
                var key = Key(i % 3 == 0 ? "b/" : "a/", i);
                if (op == 0)
                {
                    cache.Delete(key);
                    model.Remove(key);
                }
                else
                {
                    cache.Set(key, [(byte)(i + op)]);
                    model[key] = [(byte)(i + op)];
                }
            }

            var prefix = Encoding.ASCII.GetBytes(prefixes[prefixChoice]);
            var expected = model.Where(kv => kv.Key.AsSpan().StartsWith(prefix)).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value));
            var actual = cache.IteratePrefix(prefix).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value));
            Assert.Equal(expected, actual);
        }, iter: 2_000);
    }

    [Fact]
    public void Iterations_between_writes_and_reverts_see_exactly_the_cache_as_it_is_then()
    {
        // op: 0 delete, 1-2 set, 3 snapshot, 4 revert to the last snapshot, 5 iterate and compare; many writes between
        // iterations (the ordered keys are merged in bulk) and few (inserted one by one) both occur.
        var ops = Gen.Select(Gen.Int[0, 60], Gen.Int[0, 5], Gen.Int[1, 20]).Array[0, 80];
        Gen.Select(Gen.Int[0, 60].Array[0, 30], ops).Sample((committedKeys, steps) =>
        {
            var committed = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
            foreach (var i in committedKeys)
            {
                committed[Key("a/", i)] = [(byte)i];
            }

            var cache = new CacheState(new CountingReader(committed.Select(kv => (kv.Key, kv.Value))));
            var model = new SortedDictionary<byte[], byte[]>(committed, ByteArrayComparer.Instance);
            var snapshots = new Stack<(int Mark, SortedDictionary<byte[], byte[]> Model)>();
            foreach (var (i, op, burst) in steps)
            {
                switch (op)
                {
                    case 0:
                        cache.Delete(Key("a/", i));
                        model.Remove(Key("a/", i));
                        break;
                    case 1 or 2:
                        for (var j = 0; j < burst; j++)
                        {
                            var key = Key(j % 2 == 0 ? "a/" : "b/", (i + (j * 7)) % 61);
                            cache.Set(key, [(byte)(op + j)]);
                            model[key] = [(byte)(op + j)];
                        }

                        break;
                    case 3:
                        snapshots.Push((cache.Snapshot(), new SortedDictionary<byte[], byte[]>(model, ByteArrayComparer.Instance)));
                        break;
                    case 4 when snapshots.Count > 0:
                        var (mark, before) = snapshots.Pop();
                        cache.RevertTo(mark);
                        model = before;
                        break;
                    case 5:
                        foreach (var prefix in new[] { "a/", "b/", "" })
                        {
                            var p = Encoding.ASCII.GetBytes(prefix);
                            Assert.Equal(
                                model.Where(kv => kv.Key.AsSpan().StartsWith(p)).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)),
                                cache.IteratePrefix(p).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));
                        }

                        break;
                }
            }

            Assert.Equal(
                model.Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)),
                cache.IteratePrefix([]).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));
        }, iter: 1_000);
    }

    [Fact]
    public void Writes_made_while_iterating_do_not_break_the_iteration()
    {
        var parent = new CountingReader(Enumerable.Range(0, 10).Select(i => (Key("q/", i), new byte[] { 1 })));
        var cache = new CacheState(parent);
        cache.Set(Key("q/", 20), [1]);
        var seen = new List<string>();
        foreach (var (k, _) in cache.IteratePrefix("q/"u8.ToArray()))
        {
            seen.Add(Encoding.ASCII.GetString(k));
            cache.Delete(k); // a queue drained as it is read
            cache.Set(Key("r/", seen.Count), [1]); // a write outside the range
        }

        Assert.Equal(11, seen.Count);
        Assert.Empty(cache.IteratePrefix("q/"u8.ToArray()));
        Assert.Equal(11, cache.IteratePrefix("r/"u8.ToArray()).Count());
    }

    /// <summary>A committed state of fixed entries that counts how many it has handed out.</summary>
    private sealed class CountingReader : IStateReader
    {
        private readonly SortedDictionary<byte[], byte[]> _entries = new(ByteArrayComparer.Instance);

        public CountingReader(IEnumerable<(byte[] Key, byte[] Value)> entries)
        {
            foreach (var (k, v) in entries)
            {
                _entries[k] = v;
            }
        }

        public int Read { get; private set; }

        public byte[]? Get(ReadOnlySpan<byte> key) => _entries.GetValueOrDefault(key.ToArray());

        public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
        {
            foreach (var kv in _entries)
            {
                if (kv.Key.AsSpan().StartsWith(prefix))
                {
                    Read++;
                    yield return kv;
                }
            }
        }
    }
}
