using Chain.State.Storage;
using Chain.State.Transactions;

namespace Chain.Node.Mempool;

/// <summary>A pooled tx: its fee per gas and the order it arrived in (ties go to the earlier one).</summary>
internal sealed record MempoolEntry(DecodedTx Tx, double Price, long Arrival);

/// <summary>
/// The orders of the pool's txs: each sender's txs by sequence (blocks take them in that order, eviction from the
/// end), and how many txs pay each fee per gas, the lowest published for readers without the pool's lock. Changed
/// only under the pool's lock, alongside its hash index and counts (<see cref="Mempool"/>).
/// </summary>
internal sealed class PoolOrder
{
    private readonly Dictionary<byte[], SortedList<ulong, MempoolEntry>> _bySender = new(ByteArrayComparer.Instance);
    private readonly SortedDictionary<double, int> _prices = new();
    private double _lowestPrice = double.PositiveInfinity;

    /// <summary>Lowest fee per gas of a pooled tx (+infinity when the pool is empty). Read without the lock.</summary>
    public double LowestPrice => Volatile.Read(ref _lowestPrice);

    /// <summary>Each sender's pooled txs, by sequence.</summary>
    public IEnumerable<SortedList<ulong, MempoolEntry>> Senders => _bySender.Values;

    public void Add(MempoolEntry entry)
    {
        if (!_bySender.TryGetValue(entry.Tx.Signer, out var list))
        {
            list = new SortedList<ulong, MempoolEntry>();
            _bySender[entry.Tx.Signer] = list;
        }

        list[entry.Tx.Sequence] = entry;
        _prices[entry.Price] = _prices.GetValueOrDefault(entry.Price) + 1;
        PublishLowestPrice();
    }

    public void Remove(MempoolEntry entry)
    {
        if (_prices[entry.Price] == 1)
        {
            _prices.Remove(entry.Price);
        }
        else
        {
            _prices[entry.Price]--;
        }

        PublishLowestPrice();
        if (_bySender.TryGetValue(entry.Tx.Signer, out var list))
        {
            list.Remove(entry.Tx.Sequence);
            if (list.Count == 0)
            {
                _bySender.Remove(entry.Tx.Signer);
            }
        }
    }

    /// <summary>
    /// The txs to evict so that <paramref name="tx"/> fits: repeatedly the cheapest last tx of a sender (a sender's later
    /// txs go before its earlier ones, which they depend on), never one of <paramref name="tx"/>'s own sender (it builds on
    /// them), each cheaper per gas than <paramref name="tx"/>, until <paramref name="fits"/> says (count, bytes, size)
    /// that <paramref name="tx"/> fits in a pool of <paramref name="count"/> txs and <paramref name="bytes"/> bytes less
    /// the victims. Null when no such set makes room; nothing is removed here.
    /// </summary>
    public List<MempoolEntry>? CheapestToEvict(DecodedTx tx, double price, int count, long bytes, Func<int, long, int, bool> fits)
    {
        _bySender.TryGetValue(tx.Signer, out var own);
        var victims = new List<MempoolEntry>();
        var taken = new Dictionary<SortedList<ulong, MempoolEntry>, int>(ReferenceEqualityComparer.Instance);
        while (!fits(count, bytes, tx.Bytes.Length))
        {
            MempoolEntry? cheapest = null;
            SortedList<ulong, MempoolEntry>? from = null;
            foreach (var list in _bySender.Values)
            {
                var left = list.Count - taken.GetValueOrDefault(list);
                if (ReferenceEquals(list, own) || left == 0)
                {
                    continue;
                }

                var last = list.Values[left - 1];
                if (cheapest is null || last.Price < cheapest.Price || (last.Price == cheapest.Price && last.Arrival > cheapest.Arrival))
                {
                    cheapest = last;
                    from = list;
                }
            }

            if (cheapest is null || cheapest.Price >= price)
            {
                return null;
            }

            victims.Add(cheapest);
            taken[from!] = taken.GetValueOrDefault(from!) + 1;
            count--;
            bytes -= cheapest.Tx.Bytes.Length;
        }

        return victims;
    }

    private void PublishLowestPrice()
    {
        var lowest = double.PositiveInfinity;
        foreach (var price in _prices.Keys)
        {
            lowest = price;
            break;
        }

        Volatile.Write(ref _lowestPrice, lowest);
    }
}
