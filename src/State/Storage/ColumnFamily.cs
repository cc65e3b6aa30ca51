namespace Chain.State.Storage;

/// <summary>The key spaces of the node's database. RocksDB maps each to a column family.</summary>
public enum ColumnFamily
{
    /// <summary>Authenticated state: tree nodes and module key-value data.</summary>
    State = 0,

    /// <summary>Blocks, headers and commits by height; hash to height.</summary>
    Blocks = 1,

    /// <summary>Txs and their results by hash.</summary>
    Txs = 2,

    /// <summary>Secondary indexes (by owner, by state ...), rebuildable from State.</summary>
    Index = 3,

    /// <summary>Node metadata: latest committed height, app hash, schema version.</summary>
    Meta = 4,
}
