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
    // The written keys in order as of the last IteratePrefix step (null before the first), and the keys first written
    // since, sorted in at the next step: a block of transfers writes thousands of keys between its phases' iterations,
    // and keeping every write sorted cost each a tree insert.
    private List<byte[]>? _sortedKeys;
    private readonly List<byte[]> _unsortedKeys = new();
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
        if (!existed && _sortedKeys is not null)
        {
            _unsortedKeys.Add(key);
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
                ForgetWrittenKey(e.Key);
            }
        }

        _journal.RemoveRange(snapshot, _journal.Count - snapshot);
    }

    /// <summary>Takes a key that is no longer written out of the ordered keys (a revert undid its only write).</summary>
    private void ForgetWrittenKey(byte[] key)
    {
        if (_sortedKeys is null)
        {
            return;
        }

        // A reverted key was most likely written after the last iteration step: look there first, newest first.
        var i = _unsortedKeys.LastIndexOf(key);
        if (i >= 0)
        {
            _unsortedKeys.RemoveAt(i);
            return;
        }

        i = _sortedKeys.BinarySearch(key, ByteArrayComparer.Instance);
        if (i >= 0)
        {
            _sortedKeys.RemoveAt(i);
        }
    }

    /// <summary>Every written key in order: sorted whole the first time, then the keys written since are merged in.</summary>
    private List<byte[]> SortedKeys()
    {
        if (_sortedKeys is null)
        {
            _sortedKeys = new List<byte[]>(_dirty.Keys);
            _sortedKeys.Sort(ByteArrayComparer.Instance);
            return _sortedKeys;
        }

        if (_unsortedKeys.Count == 0)
        {
            return _sortedKeys;
        }

        if (_unsortedKeys.Count <= 8)
        {
            // A few writes between steps (a loop that writes as it iterates): each goes in at its place.
            foreach (var key in _unsortedKeys)
            {
                _sortedKeys.Insert(~_sortedKeys.BinarySearch(key, ByteArrayComparer.Instance), key);
            }
        }
        else
        {
            _unsortedKeys.Sort(ByteArrayComparer.Instance);
            var merged = new List<byte[]>(_sortedKeys.Count + _unsortedKeys.Count);
            int a = 0, b = 0;
            while (a < _sortedKeys.Count || b < _unsortedKeys.Count)
            {
                var takeSorted = b == _unsortedKeys.Count ||
                    (a < _sortedKeys.Count && ByteArrayComparer.Instance.Compare(_sortedKeys[a], _unsortedKeys[b]) < 0);
                merged.Add(takeSorted ? _sortedKeys[a++] : _unsortedKeys[b++]);
            }

            _sortedKeys = merged;
        }

        _unsortedKeys.Clear();
        return _sortedKeys;
    }

    /// <summary>Forgets the journal (the writes stay); call between txs so it does not grow all block.</summary>
    public void DiscardJournal() => _journal.Clear();

    /// <summary>
    /// Entries under <paramref name="prefix"/> in key order: the parent's, overridden by this cache's writes (a delete hides
    /// the entry). Lazy: each step reads at most one more parent entry and finds the next written key by binary search (keys
    /// written since the last step are merged in first), so
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
        var keys = SortedKeys();
        var i = keys.BinarySearch(from, ByteArrayComparer.Instance);
        if (i < 0)
        {
            i = ~i;
        }

        if (i >= keys.Count)
        {
            return null;
        }

        var next = keys[i];
        return end is not null && ByteArrayComparer.Instance.Compare(next, end) >= 0 ? null : next;
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
