using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Chain.State.Storage;
using Chain.State.Tree;

namespace Chain.Bench;

/// <summary>
/// `--tree`: a Stopwatch harness for the state tree's block update, the same workload as
/// <see cref="StateTreeBenchmarks"/> (a 1,000,000-key tree, versions of 10,000 updates of random existing keys,
/// each staged and written to RocksDB as one batch), timing staging and writing apart. Prints medians over the
/// versions of wall time and of the process's processor time per leaf update; processor time is steadier on a
/// shared machine. Usage: --tree [--versions N] [--keys N] [--store rocksdb|memory] [--cached-bytes N]
/// </summary>
public static class TreeHarness
{
    public static void Run(string[] args)
    {
        var versions = 30;
        var keys = 1_000_000;
        var storeName = "rocksdb";
        long? cachedBytes = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--versions": versions = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--keys": keys = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--store": storeName = args[i + 1]; break;
                case "--cached-bytes": cachedBytes = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }

        var path = Path.Combine(Path.GetTempPath(), "tree-harness-" + Guid.NewGuid().ToString("N"));
        using var store = new TimedReads(storeName == "memory" ? new MemoryKeyValueStore() : new RocksDbKeyValueStore(path));
        try
        {
            var options = cachedBytes is { } n ? new StateTreeOptions { CachedNodeBytes = n } : StateTreeOptions.KeepAll;
            var tree = new JellyfishMerkleTree(store, options);
            var random = new Random(42);
            ulong version = 0;
            var setup = Stopwatch.StartNew();
            for (var start = 0; start < keys; start += 100_000)
            {
                var changes = new List<KeyValuePair<byte[], byte[]?>>(100_000);
                for (var i = start; i < Math.Min(keys, start + 100_000); i++)
                {
                    changes.Add(new(Key(i), Value(random)));
                }

                Commit(store, tree, version++, changes, out _, out _);
            }

            Console.WriteLine($"{Environment.ProcessorCount} cores; {keys:N0} keys in {setup.Elapsed.TotalSeconds:F1} s over {storeName}; {versions} versions of {StateTreeBenchmarks.BatchSize:N0} updates");
            var stage = new List<double>();
            var write = new List<double>();
            var cpu = new List<double>();
            var entries = new List<double>();
            var reads = new List<double>();
            var readMs = new List<double>();
            var allocated = new List<double>();
            for (var v = 0; v < versions + 2; v++)
            {
                var changes = new List<KeyValuePair<byte[], byte[]?>>(StateTreeBenchmarks.BatchSize);
                for (var i = 0; i < StateTreeBenchmarks.BatchSize; i++)
                {
                    changes.Add(new(Key(random.Next(keys)), Value(random)));
                }

                var readsBefore = (store.Reads, store.ReadTicks);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                var count = Commit(store, tree, version++, changes, out var stageMs, out var writeMs);
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
                var allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                if (v >= 2)
                {
                    stage.Add(stageMs);
                    write.Add(writeMs);
                    cpu.Add(cpuMs);
                    entries.Add(count);
                    allocated.Add(allocatedBytes);
                    reads.Add(store.Reads - readsBefore.Reads);
                    readMs.Add(Stopwatch.GetElapsedTime(0, store.ReadTicks - readsBefore.ReadTicks).TotalMilliseconds);
                }
            }

            const double perUpdate = 1000.0 / StateTreeBenchmarks.BatchSize;
            Console.WriteLine($"  stage  median {Median(stage) * perUpdate,6:F2} us/update (min {stage.Min() * perUpdate:F2})");
            Console.WriteLine($"  write  median {Median(write) * perUpdate,6:F2} us/update (min {write.Min() * perUpdate:F2})");
            var total = stage.Zip(write, (a, b) => a + b).ToList();
            Console.WriteLine($"  total  median {Median(total) * perUpdate,6:F2} us/update (min {total.Min() * perUpdate:F2}) => {StateTreeBenchmarks.BatchSize / (Median(total) / 1000):N0} updates/s");
            Console.WriteLine($"  cpu    median {Median(cpu) * perUpdate,6:F2} us/update (all threads)");
            Console.WriteLine($"  batch entries per update {Median(entries) / StateTreeBenchmarks.BatchSize:F2}; managed allocation {Median(allocated) / StateTreeBenchmarks.BatchSize:F0} bytes per update");
            Console.WriteLine($"  node cache {tree.CachedNodeCount:N0} nodes, {tree.CachedNodeBytes / 1048576.0:F1} MiB ({tree.CachedNodeBytesHeld / 1048576.0:F1} MiB held); process working set {Environment.WorkingSet / 1048576.0:F0} MiB");
            Console.WriteLine($"  store reads per update {Median(reads) / StateTreeBenchmarks.BatchSize:F2}, {Median(readMs) * perUpdate:F2} us/update in them (part of stage)");
        }
        finally
        {
            store.Dispose();
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    private static int Commit(IKeyValueStore store, JellyfishMerkleTree tree, ulong version, List<KeyValuePair<byte[], byte[]?>> changes, out double stageMs, out double writeMs)
    {
        var sw = Stopwatch.StartNew();
        using var batch = store.CreateBatch();
        tree.ApplyBatch(version, changes, batch);
        stageMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        store.Write(batch, sync: true);
        writeMs = sw.Elapsed.TotalMilliseconds;
        return batch.Count;
    }

    /// <summary>Counts and times point reads (what staging a version costs in store lookups).</summary>
    private sealed class TimedReads(IKeyValueStore inner) : IKeyValueStore
    {
        public long Reads { get; private set; }

        public long ReadTicks { get; private set; }

        public byte[]? Get(ColumnFamily cf, ReadOnlySpan<byte> key)
        {
            var start = Stopwatch.GetTimestamp();
            var value = inner.Get(cf, key);
            ReadTicks += Stopwatch.GetTimestamp() - start;
            Reads++;
            return value;
        }

        public bool Contains(ColumnFamily cf, ReadOnlySpan<byte> key) => inner.Contains(cf, key);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(ColumnFamily cf, byte[] start, byte[]? end) => inner.Iterate(cf, start, end);

        public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(ColumnFamily cf, byte[] prefix) => inner.IteratePrefix(cf, prefix);

        public IWriteBatch CreateBatch() => inner.CreateBatch();

        public void Write(IWriteBatch batch, bool sync) => inner.Write(batch, sync);

        public void Dispose() => inner.Dispose();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static byte[] Key(int i)
    {
        var key = new byte[12];
        "acct"u8.CopyTo(key);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(4), i);
        return key;
    }

    private static byte[] Value(Random random)
    {
        var value = new byte[32];
        random.NextBytes(value);
        return value;
    }
}
