using System.Collections.Concurrent;
using System.Diagnostics;
using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.LoadGen;

/// <summary>
/// `loadgen run`: pre-signs rate x duration transfers, sends them open-loop on a fixed schedule (tx k at k / rate
/// seconds; account a sends its txs in sequence order, each after the previous one's answer, to node a mod N; a tx
/// refused as "mempool is full" goes again in its account's next slot), and watches one node's committed blocks to
/// time each tx from its accepted send to the moment its block is seen.
/// </summary>
public sealed partial class LoadRunner(LoadOptions options, TextWriter output)
{
    private static readonly TimeSpan RpcTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _rpcErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _watchErrors = new(StringComparer.Ordinal);
    private readonly List<BlockSeen> _blocks = new();
    private readonly List<NodeSample> _samples = new();
    private Dictionary<string, int> _indexByHash = new(StringComparer.Ordinal);
    private long[] _sentAt = [];
    private long[] _answeredAt = [];
    private long[] _committedAt = [];
    private ulong[] _committedHeight = [];
    private byte[] _outcome = []; // 0 not sent, 1 accepted, 2 refused, 3 rpc error
    private uint[] _commitCode = [];
    private int _committed;
    /// <summary>Per account, the index of its next tx to send: it stays on a tx refused as "mempool is full".</summary>
    private int[] _cursor = [];
    private int _retries;
    private readonly List<double> _refusalAnswers = new();
    private int _subscribedBlocks;
    private string? _subscriptionEnd;
    private long _start;

    public async Task<LoadReport> RunAsync(CancellationToken ct)
    {
        var nodes = options.Nodes.Select(a => new NodeClients(a)).ToArray();
        using var watch = new NodeClients(options.Watch);
        try
        {
            var status = await Call(() => watch.Status.GetStatusAsync(new StatusRequest(), deadline: Deadline()).ResponseAsync, "Status", options.Watch);
            output.WriteLine($"Chain {status.ChainId}, watching {options.Watch} at height {status.LatestHeight}; sending to {string.Join(", ", options.Nodes)}");
            var plan = await PlanAsync(watch, status.ChainId, ct);
            ulong startHeight = (await watch.Status.GetStatusAsync(new StatusRequest(), deadline: Deadline())).LatestHeight;

            using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _start = Stopwatch.GetTimestamp();
            var watcher = Task.Run(() => WatchAsync(watch, startHeight, stopWatching.Token), CancellationToken.None);
            var sampler = Task.Run(() => SampleAsync(nodes, stopWatching.Token), CancellationToken.None);
            var subscriber = Task.Run(() => SubscribeAsync(watch, stopWatching.Token), CancellationToken.None);

            var (sends, behind) = options.Batch > 1 ? await DispatchBatchesAsync(nodes, plan, ct) : await DispatchAsync(nodes, plan, ct);
            await Task.WhenAll(sends);
            double sendEnd = Seconds(Stopwatch.GetTimestamp());
            int accepted = _outcome.Count(o => o == 1);
            output.WriteLine($"Sent {plan.Txs.Length} txs in {sendEnd:0.0} s ({accepted} accepted); waiting up to {options.Drain.TotalSeconds:0} s for their commits...");

            // Drain: until every accepted tx is committed, or no new commit for the drain time.
            int lastCount = -1;
            long lastProgress = Stopwatch.GetTimestamp();
            while (!ct.IsCancellationRequested)
            {
                int now = Volatile.Read(ref _committed);
                if (now >= accepted)
                {
                    break;
                }

                if (now != lastCount)
                {
                    lastCount = now;
                    lastProgress = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastProgress) > options.Drain)
                {
                    break;
                }

                await Task.Delay(100, CancellationToken.None);
            }

            // One more poll so the last block seen is complete, then stop.
            await Task.Delay(options.PollInterval * 3, CancellationToken.None);
            await stopWatching.CancelAsync();
            await watcher;
            await sampler;
            await subscriber;
            return LoadReport.Build(options, plan.Txs.Length, behind, _start, _sentAt, _answeredAt, _committedAt, _committedHeight, _outcome, _commitCode,
                _refusals, _rpcErrors, _blocks, _samples, options.Nodes, _watchErrors)
                with { SubscribedNewBlocks = _subscribedBlocks, SubscriptionEnded = _subscriptionEnd, Resent = _retries, RefusalAnswerMs = Percentiles.Of(_refusalAnswers) };
        }
        finally
        {
            foreach (var n in nodes)
            {
                n.Dispose();
            }
        }
    }

    private sealed record Plan(byte[][] Txs, int[] Accounts);

    private async Task<Plan> PlanAsync(NodeClients watch, string chainId, CancellationToken ct)
    {
        long total = (long)Math.Ceiling(options.Rate * options.Duration.TotalSeconds);
        if (total > 10_000_000)
        {
            throw new LoadGenException($"--rate x --duration = {total} txs: at most 10,000,000 are pre-signed in memory");
        }

        var clock = Stopwatch.StartNew();
        var keys = new PrivateKey[options.Accounts];
        Parallel.For(0, options.Accounts, i => keys[i] = LoadAccounts.Key(options.FirstAccount + i));
        var numbers = new ulong[options.Accounts];
        var sequences = new ulong[options.Accounts];
        await Parallel.ForAsync(0, options.Accounts, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            var address = Address.ToBech32(keys[i].Address);
            QueryAccountResponse response;
            try
            {
                response = await watch.Bank.AccountAsync(new QueryAccountRequest { Address = address }, deadline: Deadline(), cancellationToken: token);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                throw new LoadGenException(
                    $"load account {options.FirstAccount + i} ({address}) does not exist on the chain: fund at least {options.FirstAccount + options.Accounts} accounts with `loadgen fund` before the testnet first starts");
            }

            numbers[i] = response.Account.AccountNumber;
            sequences[i] = response.Account.Sequence;
        });

        var fee = new Fee { GasLimit = options.GasLimit };
        fee.Amount.Add(new Coin { Denom = Coins.BaseDenom, Amount = options.Fee });
        var txs = new byte[total][];
        var accounts = new int[total];
        var hashes = new string[total];
        int accountCount = options.Accounts;
        Parallel.For(0, total, k =>
        {
            int a = (int)(k % accountCount);
            ulong sequence = sequences[a] + (ulong)(k / accountCount);
            var msg = new MsgSend { FromAddress = Address.ToBech32(keys[a].Address), ToAddress = Address.ToBech32(keys[(a + 1) % accountCount].Address) };
            msg.Amount.Add(new Coin { Denom = Coins.BaseDenom, Amount = 1 });
            var bytes = TxFactory.Sign(keys[a], chainId, numbers[a], sequence, fee, [msg]).ToByteArray();
            txs[k] = bytes;
            accounts[k] = a;
            hashes[k] = Convert.ToHexString(TxFactory.Hash(bytes));
        });

        _indexByHash = new Dictionary<string, int>((int)total, StringComparer.Ordinal);
        for (int k = 0; k < total; k++)
        {
            _indexByHash[hashes[k]] = k;
        }

        _sentAt = new long[total];
        _answeredAt = new long[total];
        _committedAt = new long[total];
        _committedHeight = new ulong[total];
        _outcome = new byte[total];
        _commitCode = new uint[total];
        Array.Fill(_committedAt, -1);
        _cursor = Enumerable.Range(0, accountCount).ToArray(); // account a's txs are a, a + accounts, a + 2 x accounts, ...
        output.WriteLine($"Signed {total} transfers from {accountCount} accounts ({(total + accountCount - 1) / accountCount} per account) in {clock.Elapsed.TotalSeconds:0.0} s");
        return new Plan(txs, accounts);
    }

    /// <summary>Starts tx k at k / rate seconds after the start; returns the send tasks and how often the in-flight cap held the schedule back.</summary>
    private async Task<(List<Task> Sends, long Behind)> DispatchAsync(NodeClients[] nodes, Plan plan, CancellationToken ct)
    {
        var previous = new Task?[options.Accounts];
        var sends = new List<Task>(plan.Txs.Length);
        int inFlight = 0;
        long behind = 0;
        int next = 0;
        double rate = options.Rate;
        while (next < plan.Txs.Length && !ct.IsCancellationRequested)
        {
            double elapsed = Seconds(Stopwatch.GetTimestamp());
            long due = Math.Min(plan.Txs.Length, (long)(elapsed * rate) + 1);
            while (next < due)
            {
                if (Volatile.Read(ref inFlight) >= options.MaxInFlight)
                {
                    behind++;
                    break;
                }

                int k = next++;
                int a = plan.Accounts[k];
                var node = nodes[a % nodes.Length];
                Interlocked.Increment(ref inFlight);
                var task = SendAfterAsync(previous[a], node, a, plan, () => Interlocked.Decrement(ref inFlight));
                previous[a] = task;
                sends.Add(task);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        return (sends, behind);
    }

    /// <summary>
    /// Batch mode: tx k joins its node's queue at k / rate seconds (its send time, so time spent waiting for the batch
    /// counts in its latency), and one sender per node sends what is queued in BroadcastTxs calls of at most
    /// <see cref="LoadOptions.Batch"/> txs, one call at a time, so each account's txs reach its node in sequence order.
    /// </summary>
    private async Task<(List<Task> Sends, long Behind)> DispatchBatchesAsync(NodeClients[] nodes, Plan plan, CancellationToken ct)
    {
        var queues = nodes.Select(_ => new ConcurrentQueue<(int Account, long Due)>()).ToArray();
        int waiting = 0;
        long behind = 0;
        int next = 0;
        double rate = options.Rate;
        var senders = nodes.Select((node, n) => Task.Run(
            () => SendBatchesAsync(node, queues[n], plan, () => Volatile.Read(ref next) >= plan.Txs.Length || ct.IsCancellationRequested,
                count => Interlocked.Add(ref waiting, -count)),
            CancellationToken.None)).ToList();
        while (Volatile.Read(ref next) < plan.Txs.Length && !ct.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            long due = Math.Min(plan.Txs.Length, (long)(Seconds(now) * rate) + 1);
            while (next < due)
            {
                if (Volatile.Read(ref waiting) >= options.MaxInFlight)
                {
                    behind++;
                    break;
                }

                int k = next;
                int a = plan.Accounts[k];
                Interlocked.Increment(ref waiting);
                queues[a % nodes.Length].Enqueue((a, now));
                Volatile.Write(ref next, k + 1);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        return (senders, behind);
    }

    /// <summary>
    /// One node's sender in batch mode: until the schedule is done and its queue is empty. A batch holds at most one slot
    /// per account (a second waits for the next batch), so each account's tx is chosen after its previous answer.
    /// </summary>
    private async Task SendBatchesAsync(NodeClients node, ConcurrentQueue<(int Account, long Due)> queue, Plan plan, Func<bool> scheduleDone, Action<int> answered)
    {
        var slots = new List<(int Account, long Due)>(options.Batch);
        var deferred = new Queue<(int Account, long Due)>();
        var accounts = new HashSet<int>();
        var txs = new List<int>(options.Batch);
        while (true)
        {
            slots.Clear();
            accounts.Clear();
            txs.Clear();
            int carried = deferred.Count;
            for (int i = 0; i < carried && slots.Count < options.Batch; i++)
            {
                var slot = deferred.Dequeue();
                if (accounts.Add(slot.Account))
                {
                    slots.Add(slot);
                }
                else
                {
                    deferred.Enqueue(slot);
                }
            }

            while (slots.Count < options.Batch && queue.TryDequeue(out var slot))
            {
                if (accounts.Add(slot.Account))
                {
                    slots.Add(slot);
                }
                else
                {
                    deferred.Enqueue(slot);
                }
            }

            if (slots.Count == 0)
            {
                if (scheduleDone() && queue.IsEmpty && deferred.Count == 0)
                {
                    return;
                }

                await Task.Delay(1, CancellationToken.None);
                continue;
            }

            var request = new BroadcastTxsRequest();
            foreach (var (a, due) in slots)
            {
                int k = NextOf(a);
                _sentAt[k] = due; // the slot's moment: time spent waiting for the batch counts in the tx's latency
                txs.Add(k);
                request.Txs.Add(UnsafeByteOperations.UnsafeWrap(plan.Txs[k]));
            }

            try
            {
                var response = await node.Tx.BroadcastTxsAsync(request, deadline: Deadline()).ConfigureAwait(false);
                long now = Stopwatch.GetTimestamp();
                if (response.Results.Count != txs.Count)
                {
                    throw new RpcException(new Grpc.Core.Status(StatusCode.Internal, $"{response.Results.Count} results for a batch of {txs.Count} txs"));
                }

                for (int i = 0; i < txs.Count; i++)
                {
                    Answer(slots[i].Account, txs[i], now, response.Results[i].Result);
                }
            }
            catch (RpcException e)
            {
                long now = Stopwatch.GetTimestamp();
                for (int i = 0; i < txs.Count; i++)
                {
                    _answeredAt[txs[i]] = now;
                    _outcome[txs[i]] = 3;
                    _cursor[slots[i].Account] = txs[i] + _cursor.Length;
                }

                _rpcErrors.AddOrUpdate($"{e.StatusCode}: {Shorten(e.Status.Detail)}", txs.Count, (_, n) => n + txs.Count);
            }
            finally
            {
                answered(slots.Count);
            }
        }
    }

    /// <summary>
    /// Records tx k's CheckTx answer and moves account <paramref name="a"/> on to its next tx, unless the mempool was
    /// full: then its next slot sends the same tx again, as a client backing off would (its later txs could not pass
    /// the sequence check without it).
    /// </summary>
    private void Answer(int a, int k, long at, TxResult result)
    {
        _answeredAt[k] = at;
        if (result.Code == 0)
        {
            _outcome[k] = 1;
        }
        else
        {
            _outcome[k] = 2;
            lock (_refusalAnswers)
            {
                _refusalAnswers.Add((at - _sentAt[k]) * 1000.0 / Stopwatch.Frequency);
            }

            _refusals.AddOrUpdate($"code {result.Code} ({result.Codespace}): {Shorten(Numbers().Replace(result.Log, "#"))}", 1, (_, n) => n + 1);
        }

        if (result.Code != TxCodes.MempoolIsFull || result.Codespace != TxCodes.Codespace)
        {
            _cursor[a] = k + _cursor.Length;
        }
    }

    private async Task SendAfterAsync(Task? previous, NodeClients node, int a, Plan plan, Action done)
    {
        int k = -1;
        try
        {
            if (previous is not null)
            {
                await previous.ConfigureAwait(false);
            }
            else
            {
                await Task.Yield();
            }

            k = NextOf(a);
            _sentAt[k] = Stopwatch.GetTimestamp();
            var response = await node.Tx.BroadcastTxAsync(
                new BroadcastTxRequest { TxBytes = UnsafeByteOperations.UnsafeWrap(plan.Txs[k]), Mode = BroadcastMode.Sync },
                deadline: Deadline()).ConfigureAwait(false);
            Answer(a, k, Stopwatch.GetTimestamp(), response.Result);
        }
        catch (RpcException e) when (k >= 0)
        {
            _answeredAt[k] = Stopwatch.GetTimestamp();
            _outcome[k] = 3;
            _cursor[a] = k + _cursor.Length;
            _rpcErrors.AddOrUpdate($"{e.StatusCode}: {Shorten(e.Status.Detail)}", 1, (_, n) => n + 1);
        }
        finally
        {
            done();
        }
    }

    /// <summary>The tx account <paramref name="a"/> sends in its slot: the one after its last answered tx, or again the one a full mempool refused.</summary>
    private int NextOf(int a)
    {
        int k = _cursor[a];
        if (_outcome[k] == 2)
        {
            Interlocked.Increment(ref _retries);
        }

        return k;
    }

    /// <summary>
    /// Asks the watched node for the next height's block until it exists (GetBlock takes no mempool lock, unlike
    /// Status), and times our txs in each block by the moment it was read.
    /// </summary>
    private async Task WatchAsync(NodeClients watch, ulong startHeight, CancellationToken ct)
    {
        ulong next = startHeight + 1;
        while (!ct.IsCancellationRequested)
        {
            GetBlockResponse block;
            try
            {
                block = await watch.Blocks.GetBlockAsync(new GetBlockRequest { Height = next }, deadline: Deadline(), cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e)
            {
                if (e.StatusCode != StatusCode.NotFound)
                {
                    // A slow or restarting node: note it and keep watching, so later blocks are still timed.
                    _watchErrors.AddOrUpdate($"GetBlock: {e.StatusCode}: {Shorten(e.Status.Detail)}", 1, (_, n) => n + 1);
                }

                try
                {
                    await Task.Delay(options.PollInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            long now = Stopwatch.GetTimestamp();
            int ours = 0;
            foreach (var result in block.Results)
            {
                if (_indexByHash.TryGetValue(Convert.ToHexString(result.TxHash.Span), out int k) && _committedAt[k] < 0)
                {
                    _commitCode[k] = result.Code;
                    _committedHeight[k] = next;
                    Volatile.Write(ref _committedAt[k], now);
                    ours++;
                }
            }

            lock (_blocks)
            {
                _blocks.Add(new BlockSeen(next, Seconds(now), block.Block.Header.TimeUnixNanos, block.Block.Data.Txs.Count, ours, block.Block.LastCommit?.Round ?? 0));
            }

            Interlocked.Add(ref _committed, ours);
            next++;
        }
    }

    /// <summary>
    /// Holds an Events/Subscribe stream for "new_block" events open on the watched node for the whole run, and
    /// notes whether the node ended it early (a subscriber that falls behind is dropped by the node).
    /// </summary>
    private async Task SubscribeAsync(NodeClients watch, CancellationToken ct)
    {
        try
        {
            using var call = watch.Events.Subscribe(new SubscribeRequest { EventTypes = { "new_block" } }, cancellationToken: ct);
            await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
            {
                Interlocked.Increment(ref _subscribedBlocks);
            }

            _subscriptionEnd = $"the node ended the stream at {Seconds(Stopwatch.GetTimestamp()):0.0} s, after {_subscribedBlocks} new_block events";
        }
        catch (RpcException e) when (ct.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled)
        {
        }
        catch (OperationCanceledException)
        {
        }
        catch (RpcException e)
        {
            _subscriptionEnd = $"the stream failed at {Seconds(Stopwatch.GetTimestamp()):0.0} s: {e.StatusCode}: {Shorten(e.Status.Detail)}";
        }
    }

    /// <summary>Every second: each node's height and mempool size.</summary>
    private async Task SampleAsync(NodeClients[] nodes, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                double at = Seconds(Stopwatch.GetTimestamp());
                var statuses = await Task.WhenAll(nodes.Select(async n =>
                {
                    try
                    {
                        var s = await n.Status.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct);
                        return (Height: (long)s.LatestHeight, Mempool: (long)s.MempoolSize);
                    }
                    catch (RpcException)
                    {
                        return (Height: -1L, Mempool: -1L);
                    }
                }));
                lock (_samples)
                {
                    _samples.Add(new NodeSample(at, statuses.Select(s => s.Height).ToArray(), statuses.Select(s => s.Mempool).ToArray()));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private double Seconds(long timestamp) => (double)(timestamp - _start) / Stopwatch.Frequency;

    private static DateTime Deadline() => DateTime.UtcNow + RpcTimeout;

    /// <summary>Runs of digits: refusals are grouped by their text with the numbers in it (counts, rates) left out.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex Numbers();

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";

    private static async Task<T> Call<T>(Func<Task<T>> call, string what, string address)
    {
        try
        {
            return await call();
        }
        catch (RpcException e)
        {
            throw new LoadGenException($"{what} on {address} failed: {e.StatusCode}: {e.Status.Detail} (is the testnet running? ./testnet/start.sh)");
        }
    }
}
