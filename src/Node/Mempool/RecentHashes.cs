using Chain.State.Storage;

namespace Chain.Node.Mempool;

/// <summary>
/// A bounded set of recently committed tx hashes, oldest forgotten first (replays of those are answered at once).
/// Safe to use from several threads: admission looks hashes up while a commit adds them.
/// </summary>
public sealed class RecentHashes(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<byte[]> _set = new(ByteArrayComparer.Instance);
    private readonly Queue<byte[]> _order = new();

    public bool Contains(byte[] hash)
    {
        lock (_gate)
        {
            return _set.Contains(hash);
        }
    }

    public void Add(byte[] hash)
    {
        lock (_gate)
        {
            if (!_set.Add(hash))
            {
                return;
            }

            _order.Enqueue(hash);
            while (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }
        }
    }
}
