namespace Chain.Node.Config;

/// <summary>Where state and blocks are kept.</summary>
public enum StateBackend
{
    /// <summary>RocksDB under the home's data/ directory.</summary>
    RocksDb,

    /// <summary>In memory only: lost on exit; for tests.</summary>
    Memory,
}
