using System.Buffers.Binary;
using Chain.State.Commitment;
using Chain.State.Storage;

namespace Chain.State.Store;

/// <summary>
/// The latest committed value of every logical key, kept flat in the State column family under the
/// prefix 'L' so that a read is one point lookup. The state commitment (the Merkle tree) is kept
/// beside it and proves these values; it is secondary data: a marker in the Meta column family records the
/// version it was written for, and <see cref="EnsureComplete"/> rebuilds it from the tree when the marker is
/// missing or behind.
/// </summary>
public sealed class CommittedState : IStateReader
{
    /// <summary>The prefix that marks flat latest-value entries in <see cref="ColumnFamily.State"/>.</summary>
    public const byte Prefix = (byte)'L';

    private const int RebuildChunk = 10_000;

    /// <summary>The default of <see cref="CommittedValueCache"/>'s capacity: 8 MiB, about 27,000 accounts with their balances.</summary>
    public const long DefaultValueCacheBytes = 8L * 1024 * 1024;

    private readonly IKeyValueStore _store;

    /// <summary>Opens the flat state over <paramref name="store"/> with a value cache of <paramref name="valueCacheBytes"/> (0: none).</summary>
    public CommittedState(IKeyValueStore store, long valueCacheBytes = DefaultValueCacheBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valueCacheBytes);
        _store = store;
        Cache = valueCacheBytes > 0 ? new CommittedValueCache(valueCacheBytes) : null;
    }

    /// <summary>The latest values of recently used keys, in front of the store; null when turned off.</summary>
    public CommittedValueCache? Cache { get; }

    /// <summary>The key in <see cref="ColumnFamily.Meta"/> of the version (8, big-endian) the flat copy is complete for.</summary>
    public static ReadOnlySpan<byte> MarkerKey => "flat_state_version"u8;

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        if (Cache is not { } cache)
        {
            return Read(key);
        }

        var version = cache.Version; // before the store is read: a commit in between keeps this read out of the cache
        if (cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var value = Read(key);
        cache.Add(key, value, version);
        return value;
    }

    private byte[]? Read(ReadOnlySpan<byte> key)
    {
        Span<byte> buffer = key.Length < 256 ? stackalloc byte[key.Length + 1] : new byte[key.Length + 1];
        WriteFullKey(buffer, key);
        return _store.Get(ColumnFamily.State, buffer);
    }

    /// <summary>
    /// Writes the batch holding a version's writes (staged with <see cref="StageWrites"/>) through <paramref name="write"/>,
    /// keeping the cache in step (<see cref="CommittedValueCache.Commit"/>).
    /// </summary>
    public void Commit(IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, Action write)
    {
        if (Cache is { } cache)
        {
            cache.Commit(sortedWrites, write);
        }
        else
        {
            write();
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        foreach (var (k, v) in _store.IteratePrefix(ColumnFamily.State, FullKey(prefix)))
        {
            yield return new KeyValuePair<byte[], byte[]>(k[1..], v);
        }
    }

    /// <summary>The version the flat copy was written for, or null when its marker is missing.</summary>
    public ulong? CompleteVersion
    {
        get
        {
            var bytes = _store.Get(ColumnFamily.Meta, MarkerKey);
            return bytes is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : null;
        }
    }

    /// <summary>Stages the writes of version <paramref name="version"/> and the marker into the batch (written atomically with the block).</summary>
    public static void StageWrites(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch batch)
    {
        foreach (var (key, value) in sortedWrites)
        {
            var full = FullKey(key);
            if (value is null)
            {
                batch.Delete(ColumnFamily.State, full);
            }
            else
            {
                batch.Put(ColumnFamily.State, full, value);
            }
        }

        StageMarker(version, batch);
    }

    /// <summary>
    /// Makes the flat copy match the commitment's latest version: when the marker is missing or names another
    /// version, deletes every flat entry and writes them again from the tree (in chunks; the marker goes last, in a
    /// synced write, so a rebuild cut short is redone on the next open). Returns whether it rebuilt.
    /// </summary>
    public bool EnsureComplete(IStateCommitment commitment)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        var version = commitment.LatestVersion;
        if (CompleteVersion == version)
        {
            return false;
        }

        var stale = new List<byte[]>();
        foreach (var (key, _) in _store.IteratePrefix(ColumnFamily.State, [Prefix]))
        {
            stale.Add(key);
        }

        var batch = _store.CreateBatch();
        try
        {
            foreach (var key in stale)
            {
                batch = Flush(batch, 1);
                batch.Delete(ColumnFamily.State, key);
            }

            foreach (var (key, value) in commitment.Enumerate(version))
            {
                batch = Flush(batch, 1);
                batch.Put(ColumnFamily.State, FullKey(key), value);
            }

            StageMarker(version, batch);
            _store.Write(batch, sync: true);
        }
        finally
        {
            batch.Dispose();
            Cache?.Clear();
        }

        return true;
    }

    private IWriteBatch Flush(IWriteBatch batch, int room)
    {
        if (batch.Count + room <= RebuildChunk)
        {
            return batch;
        }

        _store.Write(batch, sync: false);
        batch.Dispose();
        return _store.CreateBatch();
    }

    private static void StageMarker(ulong version, IWriteBatch batch)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, version);
        batch.Put(ColumnFamily.Meta, MarkerKey, bytes);
    }

    private static byte[] FullKey(ReadOnlySpan<byte> key)
    {
        var full = new byte[key.Length + 1];
        WriteFullKey(full, key);
        return full;
    }

    private static void WriteFullKey(Span<byte> destination, ReadOnlySpan<byte> key)
    {
        destination[0] = Prefix;
        key.CopyTo(destination[1..]);
    }
}
