using RocksDbSharp;

namespace Chain.State.Storage;

/// <summary>
/// <see cref="IKeyValueStore"/> over RocksDB: a column family per <see cref="ColumnFamily"/>, one shared
/// LRU block cache, bloom filters on point lookups, and scans that do not fill the cache. Blocks, txs and the
/// other families are LZ4-compressed; the State family is not: its tree nodes are mostly SHA-256 hashes, which
/// do not compress, and compressing them cost ~6% of the processor time of a tree update in flushes and compactions.
/// </summary>
public sealed class RocksDbKeyValueStore : IKeyValueStore
{
    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle[] _handles;
    private readonly WriteOptions _syncWrite;
    private readonly WriteOptions _asyncWrite;
    private readonly ReadOptions _scanRead;
    private bool _disposed;

    public RocksDbKeyValueStore(string path, RocksDbStoreOptions? options = null)
    {
        options ??= new RocksDbStoreOptions();
        Directory.CreateDirectory(path);
        var cache = Cache.CreateLru((ulong)options.BlockCacheBytes);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetMaxOpenFiles(options.MaxOpenFiles)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount));
        if (options.TotalWriteBufferBytes > 0)
        {
            dbOptions.SetDbWriteBufferSize((ulong)options.TotalWriteBufferBytes);
        }

        var families = new ColumnFamilies();
        foreach (var cf in Enum.GetValues<ColumnFamily>())
        {
            var table = new BlockBasedTableOptions()
                .SetBlockCache(cache)
                .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
                .SetWholeKeyFiltering(true)
                .SetCacheIndexAndFilterBlocks(true);
            var cfOptions = new ColumnFamilyOptions()
                .SetBlockBasedTableFactory(table)
                .SetWriteBufferSize((ulong)options.WriteBufferBytes)
                .SetCompression(cf == ColumnFamily.State ? Compression.No : Compression.Lz4);
            families.Add(Name(cf), cfOptions);
        }

        try
        {
            _db = RocksDb.Open(dbOptions, path, families);
        }
        catch (RocksDbException e)
        {
            throw new IOException($"cannot open the database at '{path}': {e.Message}", e);
        }

        _handles = Enum.GetValues<ColumnFamily>().Select(cf => _db.GetColumnFamily(Name(cf))).ToArray();
        _syncWrite = new WriteOptions().SetSync(true);
        _asyncWrite = new WriteOptions().SetSync(false);
        _scanRead = new ReadOptions().SetFillCache(false);
    }

    private static string Name(ColumnFamily cf) => cf.ToString().ToLowerInvariant();

    public byte[]? Get(ColumnFamily cf, ReadOnlySpan<byte> key) => _db.Get(key, _handles[(int)cf]);

    public bool Contains(ColumnFamily cf, ReadOnlySpan<byte> key) => _db.HasKey(key, _handles[(int)cf]);

    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(ColumnFamily cf, byte[] start, byte[]? end)
    {
        using var iterator = _db.NewIterator(_handles[(int)cf], _scanRead);
        iterator.Seek(start);
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (end is not null && key.AsSpan().SequenceCompareTo(end) >= 0)
            {
                yield break;
            }

            yield return new KeyValuePair<byte[], byte[]>(key, iterator.Value());
            iterator.Next();
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(ColumnFamily cf, byte[] prefix) =>
        Iterate(cf, prefix, KeyRange.PrefixEnd(prefix));

    public IWriteBatch CreateBatch() => new RocksDbWriteBatch(_handles);

    public void Write(IWriteBatch batch, bool sync)
    {
        if (batch is not RocksDbWriteBatch b)
        {
            throw new ArgumentException("batch was not created by this store", nameof(batch));
        }

        _db.Write(b.Batch, sync ? _syncWrite : _asyncWrite);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _db.Dispose();
    }

    private sealed class RocksDbWriteBatch(ColumnFamilyHandle[] handles) : IWriteBatch
    {
        public WriteBatch Batch { get; } = new();

        public int Count { get; private set; }

        public void Put(ColumnFamily cf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            Batch.Put(key, value, handles[(int)cf]);
            Count++;
        }

        public void Delete(ColumnFamily cf, ReadOnlySpan<byte> key)
        {
            Batch.Delete(key.ToArray(), handles[(int)cf]);
            Count++;
        }

        public void Dispose() => Batch.Dispose();
    }
}
