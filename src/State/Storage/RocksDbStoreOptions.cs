namespace Chain.State.Storage;

/// <summary>Tuning of the RocksDB store; the defaults suit a validator with a few GiB of memory.</summary>
public sealed record RocksDbStoreOptions
{
    /// <summary>Shared LRU block cache across column families.</summary>
    public long BlockCacheBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Memtable size per column family.</summary>
    public long WriteBufferBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most memory of all column families' memtables together (RocksDB's db_write_buffer_size: past it the largest
    /// memtable is flushed); 0 = no total, each column family may hold two memtables of <see cref="WriteBufferBytes"/>.
    /// </summary>
    public long TotalWriteBufferBytes { get; init; }

    public int MaxOpenFiles { get; init; } = 1024;
}
