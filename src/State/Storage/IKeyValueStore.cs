namespace Chain.State.Storage;

/// <summary>
/// An ordered byte key-value store with column families. Writes go through <see cref="IWriteBatch"/>
/// so that everything one block changes lands atomically.
/// </summary>
public interface IKeyValueStore : IDisposable
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    byte[]? Get(ColumnFamily cf, ReadOnlySpan<byte> key);

    bool Contains(ColumnFamily cf, ReadOnlySpan<byte> key);

    /// <summary>
    /// Entries with keys in [<paramref name="start"/>, <paramref name="end"/>) in ascending key order;
    /// a null end means "to the end of the column family". Scans do not fill the block cache.
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(ColumnFamily cf, byte[] start, byte[]? end);

    /// <summary>Entries whose key starts with <paramref name="prefix"/>, ascending.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(ColumnFamily cf, byte[] prefix);

    IWriteBatch CreateBatch();

    /// <summary>Applies the batch atomically; with <paramref name="sync"/> it is durable on return.</summary>
    void Write(IWriteBatch batch, bool sync);
}

/// <summary>A set of puts and deletes applied atomically by <see cref="IKeyValueStore.Write"/>.</summary>
public interface IWriteBatch : IDisposable
{
    void Put(ColumnFamily cf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(ColumnFamily cf, ReadOnlySpan<byte> key);

    int Count { get; }
}
