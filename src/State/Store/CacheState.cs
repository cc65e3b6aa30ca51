using Chain.State.Storage;

namespace Chain.State.Store;

/// <summary>
/// A write cache over a parent reader with a journal: <see cref="Snapshot"/> marks a point and
/// <see cref="RevertTo"/> undoes every write after it, so a failed tx rolls back only itself.
/// One cache holds a whole block (or the mempool's check state); its sorted writes go to the commitment.
/// Not thread-safe: one block executes on one thread.
/// </summary>
public sealed class CacheState : IStateStore
{
    private readonly IStateReader _parent;
    private readonly Dictionary<byte[], byte[]?> _dirty = new(ByteArrayComparer.Instance);
    private readonly List<JournalEntry> _journal = new();

    public CacheState(IStateReader parent) => _parent = parent;

    /// <summary>Number of keys written since the cache was made.</summary>
    public int DirtyCount => _dirty.Count;

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var lookup = _dirty.GetAlternateLookup<ReadOnlySpan<byte>>();
        return lookup.TryGetValue(key, out var value) ? value : _parent.Get(key);
    }

    public void Set(ReadOnlySpan<byte> key, byte[] value) => Write(key.ToArray(), value);

    public void Delete(ReadOnlySpan<byte> key) => Write(key.ToArray(), null);

    private void Write(byte[] key, byte[]? value)
    {
        var existed = _dirty.TryGetValue(key, out var previous);
        _journal.Add(new JournalEntry(key, existed, previous));
        _dirty[key] = value;
    }

    public int Snapshot() => _journal.Count;

    public void RevertTo(int snapshot)
    {
        for (var i = _journal.Count - 1; i >= snapshot; i--)
        {
            var e = _journal[i];
            if (e.Existed)
            {
                _dirty[e.Key] = e.Previous;
            }
            else
            {
                _dirty.Remove(e.Key);
            }
        }

        _journal.RemoveRange(snapshot, _journal.Count - snapshot);
    }

    /// <summary>Forgets the journal (the writes stay); call between txs so it does not grow all block.</summary>
    public void DiscardJournal() => _journal.Clear();

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        var overlay = new SortedDictionary<byte[], byte[]?>(ByteArrayComparer.Instance);
        foreach (var (k, v) in _dirty)
        {
            if (k.AsSpan().StartsWith(prefix))
            {
                overlay[k] = v;
            }
        }

        var merged = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        foreach (var (k, v) in _parent.IteratePrefix(prefix))
        {
            if (!overlay.ContainsKey(k))
            {
                merged[k] = v;
            }
        }

        foreach (var (k, v) in overlay)
        {
            if (v is not null)
            {
                merged[k] = v;
            }
        }

        return merged;
    }

    /// <summary>Every written key with its final value (null = deleted), ordered by key.</summary>
    public List<KeyValuePair<byte[], byte[]?>> SortedWrites()
    {
        var list = new List<KeyValuePair<byte[], byte[]?>>(_dirty.Count);
        foreach (var kv in _dirty)
        {
            list.Add(kv);
        }

        list.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return list;
    }

    private readonly record struct JournalEntry(byte[] Key, bool Existed, byte[]? Previous);
}
