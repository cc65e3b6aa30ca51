using System.Collections.Concurrent;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Mempool;

/// <summary>
/// Txs waiting for a block. CheckTx runs the ante checks against a check state (committed state plus the
/// fees and sequences of txs already admitted), so a sender can queue several txs in sequence order.
/// Priority is fee per unit of gas; a full pool evicts its cheapest txs for a better one, but only once that one
/// has passed every check, and only when evicting makes room (otherwise nothing changes); duplicates are
/// answered, not re-added. After each block the included txs leave and the rest are checked again.
/// </summary>
public sealed class Mempool : IDecodedTxs
{
    private readonly BlockExecutor _executor;
    private readonly MempoolOptions _options;
    private readonly GasPrice _minGasPrice;
    private readonly ILogger<Mempool> _logger;
    private readonly Lock _gate = new();
    /// <summary>Txs checked against the pool per <see cref="Drain"/> while it holds the lock.</summary>
    private const int DrainBatch = 256;
    private readonly ConcurrentDictionary<byte[], MempoolEntry> _byHash = new(ByteArrayComparer.Instance);
    private readonly ConcurrentQueue<WaitingTx> _queue = new();
    private readonly PoolOrder _order = new();
    private readonly RecentHashes _recent;
    private CacheState _checkState;
    private long _bytes;
    private int _count;
    private long _arrivals;
    private int _pending;
    private volatile TaskCompletionSource? _paused;
    private int _draining;
    private readonly ClientBacklogBound _clientBound;
    /// <summary>How many pooled txs pay each fee per gas, under the lock; its lowest key is published as <see cref="LowestPrice"/>.</summary>

    public Mempool(BlockExecutor executor, MempoolOptions options, GasPrice minGasPrice, ILogger<Mempool> logger, TimeProvider? clock = null)
    {
        _executor = executor;
        _options = options;
        _minGasPrice = minGasPrice;
        _logger = logger;
        _recent = new RecentHashes(Math.Max(1, options.CacheSize));
        _checkState = new CacheState(executor.Committed);
        _clientBound = new ClientBacklogBound(options, clock ?? TimeProvider.System);
    }

    /// <summary>
    /// Most txs (pooled and queued) with which a client's tx is still taken: <see cref="MempoolOptions.ClientBacklog"/>
    /// seconds of the recent commit rate, at least <see cref="MempoolOptions.ClientBacklogMinTxs"/>, at most
    /// <see cref="MempoolOptions.MaxTxs"/>. Read without the lock.
    /// </summary>
    public int ClientLimit => _clientBound.Limit;

    /// <summary>Txs per second the chain committed over the last blocks, as this pool saw them (0 before two blocks).</summary>
    public double CommitRate => _clientBound.CommitRate;

    /// <summary>The client bound's refusal: after decoding, before the signature check, the queue or a block's wait.</summary>
    private TxResult ClientBacklogFull(DecodedTx tx)
    {
        return Refuse(tx, TxCodes.MempoolIsFull,
            $"mempool is full: {Count + Pending} txs wait, the most this node takes from clients ({ClientLimit}, about {_options.ClientBacklog.TotalSeconds:0.#} s of the {CommitRate:0} tx/s the chain commits), and this tx pays no more per gas than the cheapest of them; try again after the next block or raise the fee");
    }

    /// <summary>Lowest fee per gas of a pooled tx (+infinity when the pool is empty). Read without the lock.</summary>
    public double LowestPrice => _order.LowestPrice;

    /// <summary>Txs in the pool. Read without the pool's lock (status and metrics must not wait behind admission).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes of the txs in the pool, read without the lock.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Txs whose stateless checks are done, waiting for the admitting thread to check them against the pool.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// The pool's decoded tx with this hash, or null; lock-free. Block execution takes the block's txs from here instead
    /// of decoding them again (<see cref="BlockExecutor.Execute"/>): the pool decodes with the executor's own decoder.
    /// </summary>
    public DecodedTx? Find(byte[] hash) => _byHash.TryGetValue(hash, out var entry) ? entry.Tx : null;

    /// <summary>Admits a tx or says why not, waiting for the answer. The result's code is 0 when the tx is in the pool.</summary>
    public TxResult CheckTx(byte[] bytes, TxOrigin origin = TxOrigin.Client) => CheckTxAsync(bytes, origin).GetAwaiter().GetResult();

    /// <summary>
    /// Admits a tx or says why not. The result's code is 0 when the tx is in the pool.
    /// Everything that does not need the pool (hash, duplicate lookup, decode, gas limit, signature) runs on the calling
    /// thread, so admission uses every core; then the tx joins a queue that one thread at a time checks against the pool
    /// (<see cref="Drain"/>). No caller ever blocks on the pool's lock: a caller waits on its task, holding no thread.
    /// A client's tx past <see cref="ClientLimit"/> is refused first, at once.
    /// </summary>
    public async Task<TxResult> CheckTxAsync(byte[] bytes, TxOrigin origin = TxOrigin.Client)
    {
        (DecodedTx? Tx, TxResult? Refused) prepared = default;
        if (origin == TxOrigin.Client && Count + Pending >= ClientLimit)
        {
            // Over the client bound only a tx that pays more per gas than the cheapest pooled one goes on (it may evict).
            prepared = Prepare(bytes);
            if (prepared.Tx is not { } over)
            {
                return prepared.Refused!;
            }

            if (Price(over) <= LowestPrice)
            {
                return ClientBacklogFull(over);
            }
        }

        if (_paused is { } paused)
        {
            await paused.Task;
        }

        var (tx, refused) = prepared == default ? Prepare(bytes) : prepared;
        if (tx is null)
        {
            return refused!;
        }

        _executor.Processor.PreVerify([tx], _executor.Committed);
        return await Enqueue(tx);
    }

    /// <summary>
    /// Admits a batch (txs relayed by a peer, or a client's BroadcastTxs): the signatures of the batch are verified on
    /// all cores, then every tx is checked against the pool in order. The results are in the batch's order. A client's
    /// txs past <see cref="ClientLimit"/> are refused first, at once (the batch's first txs take the room that is left).
    /// </summary>
    public async Task<TxResult[]> CheckBatchAsync(IReadOnlyList<byte[]> batch, TxOrigin origin)
    {
        // Over the client bound (the batch's first txs take the room left) only a tx that pays more per gas than the
        // cheapest pooled one goes on.
        var room = origin == TxOrigin.Client ? Math.Max(0, ClientLimit - Count - Pending) : batch.Count;
        var prepared = new (DecodedTx? Tx, TxResult? Refused)[batch.Count];
        var going = room;
        for (var i = room; i < batch.Count; i++)
        {
            prepared[i] = Prepare(batch[i]);
            if (prepared[i].Tx is { } over && Price(over) <= LowestPrice)
            {
                prepared[i] = (null, ClientBacklogFull(over));
            }
            else
            {
                going++;
            }
        }

        if (_paused is { } paused && going > 0)
        {
            await paused.Task;
        }

        var decoded = new List<DecodedTx>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i < room)
            {
                prepared[i] = Prepare(batch[i]);
            }

            if (prepared[i].Tx is { } tx)
            {
                decoded.Add(tx);
            }
        }

        _executor.Processor.PreVerify(decoded, _executor.Committed);
        var results = new Task<TxResult>[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = prepared[i].Tx is { } tx ? Enqueue(tx) : Task.FromResult(prepared[i].Refused!);
        }

        return await Task.WhenAll(results);
    }

    /// <summary>
    /// Admits txs relayed by a peer, each with its hash (computed by the caller, which already needed it): like
    /// <see cref="CheckBatchAsync"/> with <see cref="TxOrigin.Peer"/>, but nobody reads the answers, so a known tx is
    /// skipped before it is decoded and an admitted one keeps no events. Completes when every tx has been checked.
    /// </summary>
    public async Task AdmitRelayedAsync(IReadOnlyList<(byte[] Hash, byte[] Bytes)> batch)
    {
        if (_paused is { } paused)
        {
            await paused.Task;
        }

        var decoded = new List<DecodedTx>(batch.Count);
        foreach (var (hash, bytes) in batch)
        {
            if (KnownReason(hash) is null && Decode(bytes, hash).Tx is { } tx)
            {
                decoded.Add(tx);
            }
        }

        _executor.Processor.PreVerify(decoded, _executor.Committed);
        var checks = new Task[decoded.Count];
        for (var i = 0; i < decoded.Count; i++)
        {
            checks[i] = Enqueue(decoded[i], answered: false);
        }

        await Task.WhenAll(checks);
    }

    /// <summary>Whether a tx with this hash is in the pool or was committed recently. Never takes the pool's lock.</summary>
    public bool IsKnown(byte[] hash) => KnownReason(hash) is not null;

    /// <summary>
    /// Holds new admissions (their decode and signature check included) until the returned handle is disposed: the
    /// node calls it while it executes and commits a block, so that work gets the cores first. Callers wait without
    /// holding a thread; txs already past their signature check still reach the pool.
    /// </summary>
    public IDisposable PauseAdmission()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _paused = gate;
        return new AdmissionPause(this, gate);
    }

    private void Resume(TaskCompletionSource gate)
    {
        Interlocked.CompareExchange(ref _paused, null, gate);
        gate.TrySetResult();
    }

    private sealed class AdmissionPause(Mempool pool, TaskCompletionSource gate) : IDisposable
    {
        public void Dispose() => pool.Resume(gate);
    }

    /// <summary>The stateless part of admission: a known tx is answered before decoding it again. Lock-free.</summary>
    private (DecodedTx? Tx, TxResult? Refused) Prepare(byte[] bytes)
    {
        // Peers gossip the same tx to each other: answer a known one before decoding and verifying it again.
        var hash = TxFactory.Hash(bytes);
        if (KnownReason(hash) is { } reason)
        {
            var known = TxProcessor.Result(null, ExecResult.Error(TxCodes.Codespace, TxCodes.TxInMempoolCache, reason), 0, []);
            known.TxHash = Google.Protobuf.ByteString.CopyFrom(hash);
            return (null, known);
        }

        return Decode(bytes, hash);
    }

    /// <summary>Decodes a tx not known to the pool and checks what needs no state; <paramref name="hash"/> is its hash.</summary>
    private (DecodedTx? Tx, TxResult? Refused) Decode(byte[] bytes, byte[] hash)
    {
        var tx = _executor.Processor.Decoder.Decode(bytes, out var error, hash);
        if (tx is null)
        {
            var r = TxProcessor.Result(null, error, 0, []);
            r.TxHash = Google.Protobuf.ByteString.CopyFrom(hash);
            return (null, r);
        }

        // A tx that cannot fit in any block would sit in the pool (and be gossiped) for nothing.
        if (_executor.CheckGasLimit(tx) is { IsOk: false } tooMuchGas)
        {
            return (null, TxProcessor.Result(tx, tooMuchGas, 0, []));
        }

        return (tx, null);
    }

    /// <summary>
    /// Queues a prepared tx for the pool check. Past <see cref="MempoolOptions.MaxPending"/> queued txs the tx is refused
    /// at once as "mempool is full": an overloaded node answers the excess in microseconds instead of queueing it.
    /// </summary>
    private Task<TxResult> Enqueue(DecodedTx tx, bool answered = true)
    {
        if (Interlocked.Increment(ref _pending) > _options.MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            return Task.FromResult(Refuse(tx, TxCodes.MempoolIsFull,
                $"mempool is full: {_options.MaxPending} txs are already waiting for their check (the node admits txs more slowly than they arrive)"));
        }

        var waiting = new WaitingTx(tx, answered);
        _queue.Enqueue(waiting);
        Drain();
        return waiting.Done.Task;
    }

    /// <summary>
    /// Checks queued txs against the pool, one batch under the lock at a time. Whichever thread finds nobody draining
    /// drains (flat combining), so no thread waits for the lock behind admission. A drainer takes at most one batch and
    /// hands the rest to the thread pool, so a caller is never kept answering other callers' txs for long. The queue is
    /// looked at again after the drainer lets go, so a tx queued while the last batch ran is never left behind.
    /// </summary>
    private void Drain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
        {
            return;
        }

        var done = new List<(WaitingTx Waiting, TxResult Result)>(Math.Min(DrainBatch, Math.Max(1, Pending)));
        try
        {
            lock (_gate)
            {
                while (done.Count < DrainBatch && _queue.TryDequeue(out var waiting))
                {
                    done.Add((waiting, Admit(waiting.Tx, waiting.Answered)));
                }
            }

            // Still the only drainer: peers are told of a sender's txs in the order they entered the pool, so they
            // never see sequence n + 1 before n.
            foreach (var (waiting, result) in done)
            {
                if (result.Code == 0)
                {
                    Admitted?.Invoke(waiting.Tx);
                }
            }
        }
        finally
        {
            foreach (var (waiting, result) in done)
            {
                waiting.Done.TrySetResult(result);
            }

            Interlocked.Add(ref _pending, -done.Count);
            Volatile.Write(ref _draining, 0);
        }

        if (!_queue.IsEmpty)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static pool => pool.Drain(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Checks one prepared tx against the check state and adds it. Under the lock. The result carries the ante's events
    /// only when someone reads it (<paramref name="answered"/>).
    /// </summary>
    private TxResult Admit(DecodedTx tx, bool answered)
    {
        if (KnownReason(tx.Hash) is { } reason)
        {
            return Refuse(tx, TxCodes.TxInMempoolCache, reason); // it arrived while this one was being verified
        }

        // Every check first, against the check state: a tx that fails one must not cost the pool anything.
        var price = Price(tx);
        var next = new BlockInfo(_executor.ChainId, _executor.LastHeight + 1, 0, []);
        var beforeCheck = _checkState.Snapshot();
        var admitted = _executor.Processor.Check(_checkState, tx, next, _minGasPrice.Amount, events: answered);
        if (admitted.Code != 0)
        {
            _checkState.DiscardJournal(); // a failed check wrote nothing
            return admitted;
        }

        if (!Fits(_count, _bytes, tx.Bytes.Length))
        {
            var victims = _order.CheapestToEvict(tx, price, _count, _bytes, Fits);
            if (victims is null)
            {
                _checkState.RevertTo(beforeCheck);
                _checkState.DiscardJournal();
                return Refuse(tx, TxCodes.MempoolIsFull,
                    $"mempool is full ({_count} txs, {_bytes} bytes) and holds no tx of another sender with a lower fee per gas to make room");
            }

            Evict(victims);
            Add(new MempoolEntry(tx, price, _arrivals++));

            // The check state still holds the evicted txs' fees and sequence bumps; rebuild it from what remains.
            RebuildCheckState();
            if (!_byHash.ContainsKey(tx.Hash))
            {
                return Refuse(tx, TxCodes.MempoolIsFull, "tx no longer passed its checks once the txs it displaced were evicted");
            }
        }
        else
        {
            _checkState.DiscardJournal();
            Add(new MempoolEntry(tx, price, _arrivals++));
        }

        return admitted;
    }

    /// <summary>A tx entered the pool (raised outside the pool's lock, by the draining thread, in pool order): peers get it next.</summary>
    public event Action<DecodedTx>? Admitted;

    /// <summary>Txs for the next block, best fee first but each sender's txs in sequence order, within the limits.</summary>
    public List<DecodedTx> Reap(long maxBytes, ulong maxGas, int maxTxs)
    {
        lock (_gate)
        {
            var picked = new List<DecodedTx>(Math.Min(_count, maxTxs <= 0 ? int.MaxValue : maxTxs));
            var queue = new PriorityQueue<(SortedList<ulong, MempoolEntry> List, int Index), (double, long)>();
            foreach (var list in _order.Senders)
            {
                var head = list.Values[0];
                queue.Enqueue((list, 0), (-head.Price, head.Arrival));
            }

            long bytes = 0;
            ulong gas = 0;
            while (queue.TryDequeue(out var item, out _))
            {
                var entry = item.List.Values[item.Index];
                if (bytes + entry.Tx.Bytes.Length > maxBytes || gas + entry.Tx.GasLimit > maxGas || gas + entry.Tx.GasLimit < gas)
                {
                    continue; // the rest of this sender's txs depend on this one
                }

                picked.Add(entry.Tx);
                bytes += entry.Tx.Bytes.Length;
                gas += entry.Tx.GasLimit;
                if (maxTxs > 0 && picked.Count >= maxTxs)
                {
                    break;
                }

                if (item.Index + 1 < item.List.Count)
                {
                    var nextEntry = item.List.Values[item.Index + 1];
                    queue.Enqueue((item.List, item.Index + 1), (-nextEntry.Price, nextEntry.Arrival));
                }
            }

            return picked;
        }
    }

    /// <summary>After a commit: drops the block's txs, remembers their hashes, and re-checks what is left.</summary>
    public void Update(IReadOnlyList<byte[]> committedHashes)
    {
        lock (_gate)
        {
            _clientBound.RecordCommit(committedHashes.Count);
            foreach (var hash in committedHashes)
            {
                _recent.Add(hash);
                if (_byHash.TryGetValue(hash, out var entry))
                {
                    Remove(entry);
                }
            }

            if (!_options.Recheck)
            {
                _checkState = new CacheState(_executor.Committed);
                return;
            }

            var dropped = RebuildCheckState();
            if (dropped > 0)
            {
                _logger.LogDebug("Recheck dropped {Dropped} txs; {Remaining} remain", dropped, _count);
            }
        }
    }

    private static double Price(DecodedTx tx) => (double)tx.FeeAmount / tx.GasLimit;

    /// <summary>Why a tx with this hash is refused as known (in the pool or recently committed); null if it is new. Lock-free.</summary>
    private string? KnownReason(byte[] hash) =>
        _byHash.ContainsKey(hash) ? "tx is already in the mempool"
        : _recent.Contains(hash) ? "tx was already committed in a recent block"
        : null;

    private TxResult Refuse(DecodedTx tx, uint code, string log) =>
        TxProcessor.Result(tx, ExecResult.Error(TxCodes.Codespace, code, log), 0, []);

    private void Add(MempoolEntry entry)
    {
        _byHash[entry.Tx.Hash] = entry;
        _order.Add(entry);
        Interlocked.Add(ref _bytes, entry.Tx.Bytes.Length);
        Volatile.Write(ref _count, _count + 1);
    }

    private void Remove(MempoolEntry entry)
    {
        if (!_byHash.TryRemove(entry.Tx.Hash, out _))
        {
            return;
        }

        Interlocked.Add(ref _bytes, -entry.Tx.Bytes.Length);
        Volatile.Write(ref _count, _count - 1);
        _order.Remove(entry);
    }

    private bool Fits(int count, long bytes, int size) => count < _options.MaxTxs && bytes + size <= _options.MaxBytes;

    private void Evict(List<MempoolEntry> victims)
    {
        foreach (var victim in victims)
        {
            _logger.LogDebug("Mempool full: evicting {Hash} (fee per gas {Price})", Convert.ToHexString(victim.Tx.Hash), victim.Price);
            Remove(victim);
        }
    }

    /// <summary>Checks every pooled tx again, sender by sender in sequence order, on a fresh check state; drops failures.</summary>
    private int RebuildCheckState()
    {
        _checkState = new CacheState(_executor.Committed);
        var next = new BlockInfo(_executor.ChainId, _executor.LastHeight + 1, 0, []);
        var dropped = 0;
        foreach (var list in _order.Senders.ToList())
        {
            foreach (var entry in list.Values.ToList())
            {
                if (_executor.Processor.Check(_checkState, entry.Tx, next, _minGasPrice.Amount, events: false).Code != 0)
                {
                    Remove(entry);
                    dropped++;
                }

                _checkState.DiscardJournal();
            }
        }

        return dropped;
    }

    private sealed class WaitingTx(DecodedTx tx, bool answered)
    {
        public DecodedTx Tx { get; } = tx;

        /// <summary>Whether the caller reads the result (a relayed tx's result is dropped).</summary>
        public bool Answered { get; } = answered;

        // Continuations run on the pool, not on the draining thread.
        public TaskCompletionSource<TxResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
