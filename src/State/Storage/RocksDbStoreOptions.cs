namespace Chain.State.Storage;

/// <summary>Tuning of the RocksDB store; the defaults suit a validator with a few GiB of memory.</summary>
public sealed record RocksDbStoreOptions
{
    /// <summary>Shared LRU block cache across column families.</summary>
    public long BlockCacheBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Memtable size per column family.</summary>
    public long WriteBufferBytes { get; init; } = 64L * 1024 * 1024;

    public int MaxOpenFiles { get; init; } = 1024;
}
