using Chain.State.Transactions;

namespace Chain.Node.Mempool;

/// <summary>
/// A bounded set of recently committed tx hashes, oldest forgotten first (replays of those are answered at once).
/// Safe to use from several threads: admission looks hashes up while a commit adds them. Hashes are kept as values
/// (<see cref="TxHashKey"/>), so a full set holds no array per hash.
/// </summary>
public sealed class RecentHashes(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<TxHashKey> _set = new();
    private readonly Queue<TxHashKey> _order = new();

    public bool Contains(byte[] hash)
    {
        var key = TxHashKey.Of(hash);
        lock (_gate)
        {
            return _set.Contains(key);
        }
    }

    public void Add(byte[] hash)
    {
        var key = TxHashKey.Of(hash);
        lock (_gate)
        {
            if (!_set.Add(key))
            {
                return;
            }

            _order.Enqueue(key);
            while (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }
        }
    }
}
