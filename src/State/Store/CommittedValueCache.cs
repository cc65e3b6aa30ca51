using System.Collections.Concurrent;
using Chain.State.Storage;

namespace Chain.State.Store;

/// <summary>
/// The latest committed values of recently read or written keys, kept in memory in front of the store (like the Cosmos
/// SDK's inter-block cache). Admission, signature checks and execution read the same accounts and balances again and
/// again; in the store each read searches memtables full of the tree's nodes. A key not in the store is cached too
/// (as absent).
/// <para>
/// Bounded by <see cref="CapacityBytes"/> with two generations: entries go to the young one; once it holds half the
/// capacity it becomes the old one and the former old one is dropped; a hit in the old generation moves the entry to
/// the young one. So what was used within the last half capacity stays.
/// </para>
/// <para>
/// Reads are lock-free. Everything that changes an entry takes one lock. A value read from the store is added only if no
/// commit began or ended since the read began (<see cref="Version"/>) and none is under way: a reader that read before
/// a block was written can never put the block's overwritten value back. While a block is written its keys are out of
/// the cache (<see cref="Commit"/>), so reads of one key never go back in time, as reads from the store never do.
/// </para>
/// Values handed out are copies: a caller that changes one cannot change the cache.
/// </summary>
public sealed class CommittedValueCache
{
    /// <summary>What an entry costs besides its key and value: the arrays' headers and the dictionary's node.</summary>
    public const int EntryOverheadBytes = 96;

    private readonly Lock _gate = new();
    private volatile Generation _young = new();
    private volatile Generation _old = new();
    private long _version;
    private bool _committing;
    private long _hits;
    private long _misses;

    public CommittedValueCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    public long CapacityBytes { get; }

    /// <summary>Bumped as every commit begins and ends: a read that began at another version must not fill the cache.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Bytes held now (keys, values and <see cref="EntryOverheadBytes"/> per entry), both generations.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _young.Bytes + _old.Bytes;
            }
        }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>
    /// Finds <paramref name="key"/>: true with its value (null: absent from the state) when cached. A hit in the old
    /// generation is moved to the young one.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[]? value)
    {
        var version = Version;
        var young = _young;
        if (young.Entries.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref _hits);
            value = Copy(cached.Value);
            return true;
        }

        var old = _old;
        if (old.Entries.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out cached))
        {
            Interlocked.Increment(ref _hits);
            Keep(cached.Key, cached.Value, version);
            value = Copy(cached.Value);
            return true;
        }

        Interlocked.Increment(ref _misses);
        value = null;
        return false;
    }

    /// <summary>
    /// Adds what the store gave for <paramref name="key"/> (null: absent), unless a commit ran since
    /// <paramref name="readVersion"/> (the <see cref="Version"/> read before the store was).
    /// </summary>
    public void Add(ReadOnlySpan<byte> key, byte[]? value, long readVersion) => Keep(key.ToArray(), Copy(value), readVersion);

    /// <summary>
    /// Writes a block to the store through <paramref name="write"/> and then caches its writes (null: deleted). While the
    /// store is being written the keys it changes are out of the cache and nothing is added, so every read of such a key
    /// goes to the store: no reader can see a key's new value and then its old one. If <paramref name="write"/> throws
    /// the keys stay out. One commit at a time.
    /// </summary>
    public void Commit(IReadOnlyList<KeyValuePair<byte[], byte[]?>> writes, Action write)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _version);
            _committing = true;
            foreach (var (key, _) in writes)
            {
                _young.Remove(key);
                _old.Remove(key);
            }
        }

        try
        {
            write();
        }
        catch
        {
            lock (_gate)
            {
                Interlocked.Increment(ref _version);
                _committing = false;
            }

            throw;
        }

        lock (_gate)
        {
            Interlocked.Increment(ref _version);
            _committing = false;
            foreach (var (key, value) in writes)
            {
                Put(key.ToArray(), Copy(value));
            }
        }
    }

    /// <summary>Forgets everything (the store was changed underneath, as when the flat state is rebuilt).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _version);
            _young = new Generation();
            _old = new Generation();
        }
    }

    private void Keep(byte[] key, byte[]? value, long readVersion)
    {
        lock (_gate)
        {
            if (_committing || Volatile.Read(ref _version) != readVersion)
            {
                return;
            }

            _old.Remove(key);
            Put(key, value);
        }
    }

    /// <summary>Under the lock: sets the young generation's entry, and turns generations over when it is full.</summary>
    private void Put(byte[] key, byte[]? value)
    {
        var cost = Cost(key, value);
        if (cost > CapacityBytes / 2)
        {
            _young.Remove(key); // too big to keep: never serve an older value for it
            return;
        }

        _young.Set(key, value, cost);
        if (_young.Bytes > CapacityBytes / 2)
        {
            _old = _young;
            _young = new Generation();
        }
    }

    private static long Cost(byte[] key, byte[]? value) => key.Length + (value?.Length ?? 0) + EntryOverheadBytes;

    private static byte[]? Copy(byte[]? value) => value is null ? null : value.AsSpan().ToArray();

    private sealed class Generation
    {
        public ConcurrentDictionary<byte[], Entry> Entries { get; } = new(ByteArrayComparer.Instance);

        public long Bytes { get; private set; }

        public void Set(byte[] key, byte[]? value, long cost)
        {
            if (Entries.TryGetValue(key, out var previous))
            {
                Bytes -= Cost(previous.Key, previous.Value);
            }

            Entries[key] = new Entry(key, value);
            Bytes += cost;
        }

        public void Remove(byte[] key)
        {
            if (Entries.TryRemove(key, out var previous))
            {
                Bytes -= Cost(previous.Key, previous.Value);
            }
        }
    }

    private sealed record Entry(byte[] Key, byte[]? Value);
}
