using Chain.State.Storage;

namespace Chain.State.Store;

/// <summary>
/// A write cache over a parent reader with a journal: <see cref="Snapshot"/> marks a point and
/// <see cref="RevertTo"/> undoes every write after it, so a failed tx rolls back only itself.
/// One cache holds a whole block (or the mempool's check state); its sorted writes go to the commitment.
/// <see cref="IteratePrefix"/> merges the written keys (sorted once it is first called) with the parent's entries one entry at a time,
/// so a gas-metered reader pays for each entry before the next is read, and writes made while iterating are safe.
/// Not thread-safe: one block executes on one thread.
/// </summary>
public sealed class CacheState : IStateStore
{
    private readonly IStateReader _parent;
    private readonly Dictionary<byte[], byte[]?> _dirty = new(ByteArrayComparer.Instance);
    // The written keys in order, made on the first IteratePrefix and kept from then on: most caches (a block of
    // transfers, the mempool's check state) are never iterated, and keeping every write sorted cost them a tree insert each.
    private SortedSet<byte[]>? _dirtyKeys;
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
        if (!existed)
        {
            _dirtyKeys?.Add(key);
        }
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
                _dirtyKeys?.Remove(e.Key);
            }
        }

        _journal.RemoveRange(snapshot, _journal.Count - snapshot);
    }

    /// <summary>Forgets the journal (the writes stay); call between txs so it does not grow all block.</summary>
    public void DiscardJournal() => _journal.Clear();

    /// <summary>
    /// Entries under <paramref name="prefix"/> in key order: the parent's, overridden by this cache's writes (a delete hides
    /// the entry). Lazy: each step reads at most one more parent entry and finds the next written key in O(log n), so
    /// the work done is proportional to what the caller consumes. A write made while iterating is seen if its key lies
    /// after the last one returned.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        var end = KeyRange.PrefixEnd(prefix);
        using var parent = _parent.IteratePrefix(prefix).GetEnumerator();
        var parentHas = parent.MoveNext();
        byte[]? last = null;
        while (true)
        {
            var written = NextWrittenKey(last is null ? prefix : Successor(last), end);
            if (!parentHas && written is null)
            {
                yield break;
            }

            var order = !parentHas ? 1 : written is null ? -1 : ByteArrayComparer.Instance.Compare(parent.Current.Key, written);
            if (order < 0)
            {
                var entry = parent.Current;
                last = entry.Key;
                yield return entry;
                parentHas = parent.MoveNext();
                continue;
            }

            if (order == 0)
            {
                parentHas = parent.MoveNext();
            }

            last = written!;
            if (_dirty[written!] is { } value)
            {
                yield return new KeyValuePair<byte[], byte[]>(written!, value);
            }
        }
    }

    /// <summary>The smallest written key at or after <paramref name="from"/> and before <paramref name="end"/> (null: no end).</summary>
    private byte[]? NextWrittenKey(byte[] from, byte[]? end)
    {
        var dirtyKeys = _dirtyKeys ??= new SortedSet<byte[]>(_dirty.Keys, ByteArrayComparer.Instance);
        if (dirtyKeys.Count == 0)
        {
            return null;
        }

        var upper = end ?? dirtyKeys.Max!;
        if (ByteArrayComparer.Instance.Compare(from, upper) > 0)
        {
            return null;
        }

        var next = dirtyKeys.GetViewBetween(from, upper).Min;
        return next is null || (end is not null && ByteArrayComparer.Instance.Compare(next, end) >= 0) ? null : next;
    }

    /// <summary>The smallest key greater than <paramref name="key"/>: the key followed by a zero byte.</summary>
    private static byte[] Successor(byte[] key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next, 0);
        return next;
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
