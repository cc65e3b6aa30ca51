using System.Collections.Concurrent;

namespace Chain.Crypto;

/// <summary>
/// A cache of recently computed values that never holds more than <paramref name="capacity"/> entries, whatever keys a
/// peer or client sends: full, it is emptied and refills. Keeps its own count (ConcurrentDictionary.Count takes every
/// lock). Safe from any number of threads.
/// </summary>
internal sealed class RecentValues<TKey, TValue>(IEqualityComparer<TKey> comparer, int capacity)
    where TKey : notnull
{
    private int _count;

    public ConcurrentDictionary<TKey, TValue> Map { get; } = new(comparer);

    public void Remember(TKey key, TValue value)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Map.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        Map.TryAdd(key, value);
    }
}
