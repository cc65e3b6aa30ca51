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
/// seconds; account a sends its txs in sequence order, each after the previous one's answer, to node a mod N),
/// and watches one node's committed blocks to time each tx from its send to the moment its block is seen.
/// </summary>
public sealed class LoadRunner(LoadOptions options, TextWriter output)
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

            var (sends, behind) = await DispatchAsync(nodes, plan, ct);
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
                with { SubscribedNewBlocks = _subscribedBlocks, SubscriptionEnded = _subscriptionEnd };
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
                var task = SendAfterAsync(previous[a], node, k, plan.Txs[k], () => Interlocked.Decrement(ref inFlight));
                previous[a] = task;
                sends.Add(task);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        return (sends, behind);
    }

    private async Task SendAfterAsync(Task? previous, NodeClients node, int k, byte[] tx, Action done)
    {
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

            _sentAt[k] = Stopwatch.GetTimestamp();
            var response = await node.Tx.BroadcastTxAsync(
                new BroadcastTxRequest { TxBytes = UnsafeByteOperations.UnsafeWrap(tx), Mode = BroadcastMode.Sync },
                deadline: Deadline()).ConfigureAwait(false);
            _answeredAt[k] = Stopwatch.GetTimestamp();
            if (response.Result.Code == 0)
            {
                _outcome[k] = 1;
            }
            else
            {
                _outcome[k] = 2;
                _refusals.AddOrUpdate($"code {response.Result.Code} ({response.Result.Codespace}): {Shorten(response.Result.Log)}", 1, (_, n) => n + 1);
            }
        }
        catch (RpcException e)
        {
            _answeredAt[k] = Stopwatch.GetTimestamp();
            _outcome[k] = 3;
            _rpcErrors.AddOrUpdate($"{e.StatusCode}: {Shorten(e.Status.Detail)}", 1, (_, n) => n + 1);
        }
        finally
        {
            done();
        }
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
