using System.Collections.Concurrent;
using System.Threading.Channels;
using Chain.Node.Mempool;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Proto.P2p;
using Chain.State.Transactions;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;

namespace Chain.Node.Reactors;

/// <summary>
/// Tx gossip over the mempool channel. Every tx the mempool admits (from a client or a peer) is sent, in batches
/// every <see cref="FlushInterval"/>, to each peer that does not already have it: a peer has a tx it sent us or
/// we sent it (the last <see cref="KnownPerPeer"/> hashes are remembered per peer). Txs from peers are checked by
/// the mempool on this reactor's own worker, not on the connection's thread; the batches waiting for it are capped per
/// peer and in total, in batches and in bytes, and a batch past a cap is dropped.
/// </summary>
public sealed class MempoolReactor : BackgroundService, IReactor
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Hashes remembered per peer. A tx is relayed once, within <see cref="FlushInterval"/> of entering the pool, so
    /// what a peer has only matters from the moment its copy arrives until our relay goes out: seconds at most (a
    /// block's execution holds admission for a fraction of one). 20,000 covers 4 s at 5,000 tx/s from every peer;
    /// forgetting sooner costs a duplicate send, never a lost tx. Each set takes ~1.5 MB at this size (100,000 took
    /// ~9 MB per peer, held for nothing).
    /// </summary>
    public const int KnownPerPeer = 20_000;

    /// <summary>Most txs in one batch (and bytes, below the channel's own limit).</summary>
    public const int MaxBatchTxs = 500;

    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>Most received batches waiting for the mempool, from all peers together.</summary>
    public const int MaxPendingBatches = 1024;

    /// <summary>Most bytes of received batches waiting for the mempool, from all peers together.</summary>
    public const long MaxPendingBytes = 64L * 1024 * 1024;

    /// <summary>Most received batches waiting for the mempool from one peer: a flooding peer cannot crowd out the others.</summary>
    public const int MaxPendingBatchesPerPeer = 64;

    /// <summary>Most bytes of received batches waiting for the mempool from one peer.</summary>
    public const long MaxPendingBytesPerPeer = 8L * 1024 * 1024;

    private readonly Mempool.Mempool _mempool;
    private readonly IPeerSet _peers;
    private readonly ConcurrentDictionary<NodeId, RecentHashes> _known = new();
    private readonly ConcurrentQueue<(byte[] Hash, byte[] Bytes)> _outgoing = new();
    private readonly Channel<(IPeer Peer, TxBatch Batch, int Bytes)> _incoming =
        Channel.CreateBounded<(IPeer, TxBatch, int)>(new BoundedChannelOptions(MaxPendingBatches) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly PeerQueueBudget _backlog = new(MaxPendingBytesPerPeer, MaxPendingBatchesPerPeer, MaxPendingBytes, MaxPendingBatches);

    public MempoolReactor(Mempool.Mempool mempool, IPeerSet peers)
    {
        _mempool = mempool;
        _peers = peers;
        _mempool.Admitted += tx => _outgoing.Enqueue((tx.Hash, tx.Bytes));
    }

    public IReadOnlyCollection<ChannelId> Channels { get; } = [ChannelId.Mempool];

    public void OnPeerAdded(IPeer peer) => _known[peer.Id] = new RecentHashes(KnownPerPeer);

    public void OnPeerRemoved(IPeer peer) => _known.TryRemove(peer.Id, out _);

    public void OnMessage(IPeer peer, ChannelId channel, Envelope message)
    {
        if (message.Txs.Txs.Count > MaxBatchTxs)
        {
            peer.Disconnect($"sent a batch of {message.Txs.Txs.Count} txs, more than {MaxBatchTxs}", ban: true);
            return;
        }

        // Past a cap the batch is dropped, not the peer: an honest peer that relays faster than we check is only slowed.
        var bytes = message.Txs.CalculateSize();
        if (_backlog.TryReserve(peer.Id, bytes) && !_incoming.Writer.TryWrite((peer, message.Txs, bytes)))
        {
            _backlog.Release(peer.Id, bytes);
        }
    }

    /// <summary>Bytes of received batches waiting for the mempool.</summary>
    public long PendingBytes => _backlog.Bytes;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(CheckIncoming(stoppingToken), FlushOutgoing(stoppingToken));

    private async Task CheckIncoming(CancellationToken ct)
    {
        try
        {
            await foreach ((IPeer peer, TxBatch batch, int batchBytes) in _incoming.Reader.ReadAllAsync(ct))
            {
                _backlog.Release(peer.Id, batchBytes);
                RecentHashes? known = _known.GetValueOrDefault(peer.Id);
                var txs = new List<(byte[] Hash, byte[] Bytes)>(batch.Txs.Count);
                foreach (ByteString tx in batch.Txs)
                {
                    // Most relayed txs reach a node from several peers: a known one costs its hash and a lookup, no copy.
                    byte[] hash = TxFactory.Hash(tx.Span);
                    known?.Add(hash);
                    if (!_mempool.IsKnown(hash))
                    {
                        txs.Add((hash, tx.ToByteArray()));
                    }
                }

                // The batch's signatures are verified on all cores; the next batch waits for this one's answers.
                if (txs.Count > 0)
                {
                    await _mempool.AdmitRelayedAsync(txs);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FlushOutgoing(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        var pending = new List<(byte[] Hash, byte[] Bytes)>();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                while (_outgoing.TryDequeue(out var tx))
                {
                    pending.Add(tx);
                }

                if (pending.Count == 0)
                {
                    continue;
                }

                // Peers that miss the same txs (most often all of them: the txs came from clients) share the encoded batches.
                var encoded = new List<(List<int> Missing, List<SharedMessage> Batches)>();
                foreach (IPeer peer in _peers.Peers)
                {
                    if (!_known.TryGetValue(peer.Id, out RecentHashes? known))
                    {
                        continue;
                    }

                    var missing = Missing(known, pending);
                    var batches = encoded.Find(e => e.Missing.SequenceEqual(missing)).Batches;
                    if (batches is null)
                    {
                        batches = Batches(missing, pending);
                        encoded.Add((missing, batches));
                    }

                    foreach (var batch in batches)
                    {
                        peer.TrySend(ChannelId.Mempool, batch);
                    }
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The indexes of the txs this peer does not have yet; they are marked as its from here on.</summary>
    private static List<int> Missing(RecentHashes known, List<(byte[] Hash, byte[] Bytes)> txs)
    {
        var missing = new List<int>(txs.Count);
        lock (known)
        {
            for (var i = 0; i < txs.Count; i++)
            {
                if (!known.Contains(txs[i].Hash))
                {
                    known.Add(txs[i].Hash);
                    missing.Add(i);
                }
            }
        }

        return missing;
    }

    /// <summary>Those txs in batches of at most <see cref="MaxBatchTxs"/> txs and <see cref="MaxBatchBytes"/> bytes.</summary>
    private static List<SharedMessage> Batches(List<int> missing, List<(byte[] Hash, byte[] Bytes)> txs)
    {
        var batches = new List<SharedMessage>();
        var batch = new TxBatch();
        int bytes = 0;
        foreach (var i in missing)
        {
            byte[] tx = txs[i].Bytes;
            if (batch.Txs.Count >= MaxBatchTxs || (batch.Txs.Count > 0 && bytes + tx.Length > MaxBatchBytes))
            {
                batches.Add(new SharedMessage(new Envelope { Txs = batch }));
                batch = new TxBatch();
                bytes = 0;
            }

            // A pooled tx's bytes are never changed: the batch refers to them instead of copying.
            batch.Txs.Add(UnsafeByteOperations.UnsafeWrap(tx));
            bytes += tx.Length;
        }

        if (batch.Txs.Count > 0)
        {
            batches.Add(new SharedMessage(new Envelope { Txs = batch }));
        }

        return batches;
    }
}
