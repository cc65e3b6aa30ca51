using System.Collections.Concurrent;

namespace Chain.State.Transactions;

/// <summary>
/// Remembers which tx hashes had a valid signature for which account number, so a tx verified at
/// CheckTx (or in the parallel pre-pass of a block) is not verified again when it executes.
/// Bounded: the oldest entries go first. Keyed by the whole hash (<see cref="TxHashKey"/>), never a prefix of it.
/// </summary>
public sealed class SignatureCache
{
    private readonly ConcurrentDictionary<TxHashKey, ulong> _verified = new();
    private readonly ConcurrentQueue<TxHashKey> _order = new();
    private readonly int _capacity;
    private int _count;

    /// <summary>
    /// Entries kept by default: about 12 s of txs at 2,500 tx/s, three times the default pool (mempool.max_txs), so a
    /// tx is still remembered when a block executes it. It used to be 100,000 (~12 MB with the dictionary and queue);
    /// forgetting a tx costs only its verification again at execution.
    /// </summary>
    public const int DefaultCapacity = 30_000;

    public SignatureCache(int capacity = DefaultCapacity) => _capacity = capacity;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Whether the tx's signature was verified for some account number. A signer's account number never changes once
    /// its account exists, so this says a later <see cref="IsVerified"/> will most likely hit; it proves nothing itself.
    /// </summary>
    public bool Contains(byte[] txHash) => _verified.ContainsKey(TxHashKey.Of(txHash));

    public bool IsVerified(byte[] txHash, ulong accountNumber) =>
        _verified.TryGetValue(TxHashKey.Of(txHash), out var n) && n == accountNumber;

    public void Add(byte[] txHash, ulong accountNumber)
    {
        // ConcurrentDictionary.Count takes every bucket lock, which made Add cost microseconds under the
        // parallel pre-verification; the count is kept here instead.
        var key = TxHashKey.Of(txHash);
        if (_verified.TryAdd(key, accountNumber))
        {
            _order.Enqueue(key);
            Interlocked.Increment(ref _count);
            while (Volatile.Read(ref _count) > _capacity && _order.TryDequeue(out var old))
            {
                if (_verified.TryRemove(old, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }

    public void Remove(byte[] txHash)
    {
        if (_verified.TryRemove(TxHashKey.Of(txHash), out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
