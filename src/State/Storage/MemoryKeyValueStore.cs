namespace Chain.State.Storage;

/// <summary>An in-memory <see cref="IKeyValueStore"/> for tests and tools. Thread-safe; ordered like RocksDB (bytewise).</summary>
public sealed class MemoryKeyValueStore : IKeyValueStore
{
    private readonly SortedDictionary<byte[], byte[]>[] _families;
    private readonly Lock _lock = new();

    public MemoryKeyValueStore()
    {
        var count = Enum.GetValues<ColumnFamily>().Length;
        _families = new SortedDictionary<byte[], byte[]>[count];
        for (var i = 0; i < count; i++)
        {
            _families[i] = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        }
    }

    public byte[]? Get(ColumnFamily cf, ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            return _families[(int)cf].TryGetValue(key.ToArray(), out var v) ? v : null;
        }
    }

    public bool Contains(ColumnFamily cf, ReadOnlySpan<byte> key) => Get(cf, key) is not null;

    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(ColumnFamily cf, byte[] start, byte[]? end)
    {
        List<KeyValuePair<byte[], byte[]>> snapshot;
        lock (_lock)
        {
            snapshot = new List<KeyValuePair<byte[], byte[]>>();
            foreach (var kv in _families[(int)cf])
            {
                if (ByteArrayComparer.Instance.Compare(kv.Key, start) < 0)
                {
                    continue;
                }

                if (end is not null && ByteArrayComparer.Instance.Compare(kv.Key, end) >= 0)
                {
                    break;
                }

                snapshot.Add(kv);
            }
        }

        return snapshot;
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(ColumnFamily cf, byte[] prefix) =>
        Iterate(cf, prefix, KeyRange.PrefixEnd(prefix));

    public IWriteBatch CreateBatch() => new MemoryWriteBatch();

    public void Write(IWriteBatch batch, bool sync)
    {
        if (batch is not MemoryWriteBatch b)
        {
            throw new ArgumentException("batch was not created by this store", nameof(batch));
        }

        lock (_lock)
        {
            foreach (var (cf, key, value) in b.Operations)
            {
                if (value is null)
                {
                    _families[(int)cf].Remove(key);
                }
                else
                {
                    _families[(int)cf][key] = value;
                }
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class MemoryWriteBatch : IWriteBatch
    {
        public List<(ColumnFamily Cf, byte[] Key, byte[]? Value)> Operations { get; } = new();

        public int Count => Operations.Count;

        public void Put(ColumnFamily cf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
            Operations.Add((cf, key.ToArray(), value.ToArray()));

        public void Delete(ColumnFamily cf, ReadOnlySpan<byte> key) => Operations.Add((cf, key.ToArray(), null));

        public void Dispose()
        {
        }
    }
}
