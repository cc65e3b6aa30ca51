using Chain.State.Storage;

namespace Chain.Node.Mempool;

/// <summary>A bounded set of recently committed tx hashes, oldest forgotten first (replays of those are answered at once).</summary>
public sealed class RecentHashes(int capacity)
{
    private readonly HashSet<byte[]> _set = new(ByteArrayComparer.Instance);
    private readonly Queue<byte[]> _order = new();

    public bool Contains(byte[] hash) => _set.Contains(hash);

    public void Add(byte[] hash)
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
