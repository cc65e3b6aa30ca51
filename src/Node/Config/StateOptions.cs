namespace Chain.Node.Config;

/// <summary>[state]: the state store.</summary>
public sealed record StateOptions
{
    public StateBackend Backend { get; init; } = StateBackend.RocksDb;

    /// <summary>How many recent state versions to keep for queries (0 = keep all).</summary>
    public ulong KeepVersions { get; init; }
}
