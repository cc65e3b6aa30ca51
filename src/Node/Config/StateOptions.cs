namespace Chain.Node.Config;

/// <summary>[state]: the state store.</summary>
public sealed record StateOptions
{
    public StateBackend Backend { get; init; } = StateBackend.RocksDb;

    /// <summary>How many recent state versions to keep for queries (0 = keep all).</summary>
    public ulong KeepVersions { get; init; }

    /// <summary>RocksDB's block cache (shared by the column families), in bytes.</summary>
    public long BlockCacheBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Most memory of RocksDB's memtables, all column families together, in bytes (one memtable is at most half).</summary>
    public long WriteBufferBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The cache of committed values (accounts, balances) in front of RocksDB, in bytes; 0 turns it off.</summary>
    public long ValueCacheBytes { get; init; } = Chain.State.Store.CommittedState.DefaultValueCacheBytes;
}
