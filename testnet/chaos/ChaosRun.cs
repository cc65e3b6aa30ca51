using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Chain.Crypto;
using Chain.LoadGen;
using Chain.Node.Config;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chain.Chaos;

/// <summary>
/// One perturbation run: a fresh network of real validator processes, transfers sent in commit mode throughout, the
/// seed's faults, a heal, then the checks. Safety: no two observations of a height name different blocks (polled from
/// every node through the run), every node holds the same block hash and app hash at every height, no node's committed
/// height ever goes back, every acknowledged tx is in the block it was acknowledged at on every node, no node exits on
/// its own. Liveness: after the heal every node commits <see cref="ChaosOptions.LivenessHeights"/> new heights within
/// <see cref="ChaosOptions.LivenessBound"/>.
/// </summary>
public sealed class ChaosRun
{
    private const string ChainId = "chaos-testnet";
    private const int MaxViolationsListed = 25;

    private readonly int _run;
    private readonly int _seed;
    private readonly ChaosOptions _options;
    private readonly TextWriter _log;
    private readonly List<string> _violations = [];
    private readonly SafetyLedger _ledger = new();
    private readonly ConcurrentBag<(string Hash, ulong Height, string Node)> _acks = [];
    private readonly Stopwatch _clock = new();
    private ChaosNode[] _nodes = [];
    private NodeClients[] _clients = [];

    public ChaosRun(int run, int seed, ChaosOptions options, TextWriter log)
    {
        _run = run;
        _seed = seed;
        _options = options;
        _log = log;
    }

    public async Task<RunResult> ExecuteAsync(CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var faults = Schedule.Draw(_seed, _options.Nodes, _options.Seconds, _options.UseNetns, _options.ClockSkew && FakeTime.Library is not null);
        var directory = Path.Combine(_options.OutputDirectory, $"run-{_run:000}-seed-{_seed}");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var homes = Path.Combine(directory, "homes");
        Directory.CreateDirectory(directory);
        _log.WriteLine($"run {_run} seed {_seed}: {_options.Nodes} validators{(_options.UseNetns ? " in network namespaces" : " on loopback")}, {faults.Count} faults over {_options.Seconds} s");
        foreach (var fault in faults)
        {
            _log.WriteLine("  " + fault);
        }

        Netns? net = null;
        HubSockets? hub = null;
        double? liveness = null;
        int compared = 0, evidence = 0;
        ulong[] finals = [];
        try
        {
            var basePort = _options.UseNetns ? 26600 : FreePortBlock(_options.Nodes);
            await InitHomesAsync(homes, basePort, ct);
            if (_options.UseNetns)
            {
                net = Netns.Create(_run, _options.Nodes);
                hub = new HubSockets(net.Hub);
                MoveIntoNamespaces(homes);
            }

            _nodes = Enumerable.Range(0, _options.Nodes).Select(i =>
            {
                var home = Path.Combine(homes, "node" + i.ToString(CultureInfo.InvariantCulture));
                var grpc = NodeConfigLoader.Load(Path.Combine(home, "config", "config.toml"), _ => null).Grpc.Address.ToString();
                return new ChaosNode(i, home, _options.ChaindDll, net?.NodeNamespace(i), grpc);
            }).ToArray();
            _clients = _nodes.Select(n => Connect(n.GrpcAddress, hub)).ToArray();
                        foreach (var node in _nodes)
            {
                var doubleSign = faults.FirstOrDefault(f => f.Kind == FaultKind.DoubleSign && f.Nodes[0] == node.Index);
                node.Start(TimeSpan.Zero, doubleSign?.Height ?? 0);
            }

            if (!await WaitForHeightsAsync(2, TimeSpan.FromSeconds(120), ct))
            {
                throw new ChaosException("the fresh network did not reach height 2 within 120 s; see the node logs in " + directory);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var observers = _nodes.Select(n => ObserveAsync(n, stop.Token)).ToArray();
            var senders = Enumerable.Range(0, _options.Senders).Select(s => SendAsync(s, stop.Token)).ToArray();
            _clock.Restart();
            await PerturbAsync(faults, net, ct);
            HealAll(net);
            var healedAt = _ledger.Highest;
            var healClock = Stopwatch.StartNew();
            if (await WaitForHeightsAsync(healedAt + (ulong)_options.LivenessHeights, _options.LivenessBound, ct))
            {
                liveness = healClock.Elapsed.TotalSeconds;
            }
            else
            {
                Violation($"liveness: after the heal at height {healedAt}, not every node reached height {healedAt + (ulong)_options.LivenessHeights} within {_options.LivenessBound.TotalSeconds:0} s (heights {_ledger.Heights})");
            }

            await stop.CancelAsync();
            await Task.WhenAll(observers.Concat(senders));
            CheckCrashes();
            (compared, evidence, finals) = await CheckChainsAsync(ct);
        }
        catch (ChaosException e)
        {
            Violation("run failed: " + e.Message);
        }
        finally
        {
            foreach (var node in _nodes)
            {
                node.Kill();
            }

            foreach (var client in _clients)
            {
                client.Dispose();
            }

            hub?.Dispose();
            net?.Dispose();
        }

        var keep = _violations.Count > 0 || _options.KeepHomes;
        if (!keep)
        {
            Directory.Delete(directory, recursive: true);
        }

        return new RunResult(_run, _seed, _options.Nodes, _options.UseNetns, faults.Select(f => f.ToString().Trim()).ToArray(), finals, compared,
            _acks.Count, evidence, liveness, [.. _violations], Math.Round(total.Elapsed.TotalSeconds, 1), keep ? directory : null);
    }

    private async Task InitHomesAsync(string homes, int basePort, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     _options.ChaindDll, "testnet", "init", "--validators", _options.Nodes.ToString(CultureInfo.InvariantCulture), "--output", homes,
                     "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--chain-id", ChainId,
                 })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new ChaosException("could not run chaind testnet init");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new ChaosException($"chaind testnet init failed ({process.ExitCode}): {await error}{await output}");
        }

        GenesisFunding.Run(homes, _options.Senders, TextWriter.Null);
    }

    /// <summary>Points every node's peer address at its namespace's peer veth and its gRPC and metrics at its control
    /// veth, rewriting each config.toml (ports stay as testnet init chose them).</summary>
    private void MoveIntoNamespaces(string homes)
    {
        var configs = Enumerable.Range(0, _options.Nodes)
            .Select(i => Path.Combine(homes, "node" + i.ToString(CultureInfo.InvariantCulture), "config", "config.toml"))
            .ToArray();
        var loaded = configs.Select(path => NodeConfigLoader.Load(path, _ => null)).ToArray();
        var indexByListen = loaded.Select((c, i) => (c.P2p.ListenAddress.ToString(), i)).ToDictionary(p => p.Item1, p => p.i);
        for (var i = 0; i < configs.Length; i++)
        {
            var c = loaded[i];
            var peers = c.P2p.PersistentPeers.Select(peer =>
            {
                var at = peer.IndexOf('@', StringComparison.Ordinal);
                var j = indexByListen[peer[(at + 1)..]];
                return peer[..(at + 1)] + Netns.PeerAddress(j) + ":" + loaded[j].P2p.ListenAddress.Port.ToString(CultureInfo.InvariantCulture);
            }).ToList();
            var moved = c with
            {
                P2p = c.P2p with { ListenAddress = new EndpointAddress(Netns.PeerAddress(i), c.P2p.ListenAddress.Port), PersistentPeers = peers },
                Grpc = c.Grpc with { Address = new EndpointAddress(Netns.ControlAddress(i), c.Grpc.Address.Port) },
                Metrics = c.Metrics with { Address = new EndpointAddress(Netns.ControlAddress(i), c.Metrics.Address.Port) },
            };
            NodeConfigWriter.Write(configs[i], moved);
        }
    }

    private static NodeClients Connect(string address, HubSockets? hub)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) };
        if (hub is not null)
        {
            handler.ConnectCallback = hub.ConnectAsync;
        }

        return new NodeClients(address, handler);
    }

    private async Task PerturbAsync(IReadOnlyList<Fault> faults, Netns? net, CancellationToken ct)
    {
        // Each fault is two steps (begin, end) on one timeline; ends before begins at the same instant.
        var steps = faults.Where(f => f.Kind != FaultKind.DoubleSign).SelectMany(f => new[] { (At: f.At, Begin: true, Fault: f), (At: f.Ends, Begin: false, Fault: f) })
            .OrderBy(s => s.At).ThenBy(s => s.Begin)
            .ToList();
        foreach (var step in steps)
        {
            while (_clock.Elapsed.TotalSeconds < step.At)
            {
                CheckCrashes();
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, Math.Max(1, (step.At - _clock.Elapsed.TotalSeconds) * 1000))), ct);
            }

            Apply(step.Fault, step.Begin, net);
        }

        while (_clock.Elapsed.TotalSeconds < _options.Seconds)
        {
            CheckCrashes();
            await Task.Delay(200, ct);
        }
    }

    private void Apply(Fault fault, bool begin, Netns? net)
    {
        var node = _nodes[fault.Nodes[0]];
        switch (fault.Kind, begin)
        {
            case (FaultKind.Kill, true):
                node.Kill();
                break;
            case (FaultKind.Kill, false):
                node.Start(TimeSpan.Zero, 0);
                break;
            case (FaultKind.Pause, true):
                node.Pause();
                break;
            case (FaultKind.Pause, false):
                node.Resume();
                break;
            case (FaultKind.Restart, true):
                node.Stop(TimeSpan.FromSeconds(20));
                node.Start(TimeSpan.Zero, 0);
                break;
            case (FaultKind.Restart, false):
                break;
            case (FaultKind.Partition, true):
                net!.Partition(fault.Nodes);
                break;
            case (FaultKind.Partition, false):
                net!.Heal();
                break;
            case (FaultKind.ClockSkew, true):
                node.Stop(TimeSpan.FromSeconds(20));
                node.Start(fault.Skew, 0);
                break;
            case (FaultKind.ClockSkew, false):
                node.Stop(TimeSpan.FromSeconds(20));
                node.Start(TimeSpan.Zero, 0);
                break;
        }
    }

    private void HealAll(Netns? net)
    {
        net?.Heal();
        foreach (var node in _nodes)
        {
            if (node.State == NodeState.Paused)
            {
                node.Resume();
            }
            else if (node.State == NodeState.Stopped)
            {
                node.Start(TimeSpan.Zero, 0);
            }
        }
    }

    private void CheckCrashes()
    {
        foreach (var node in _nodes)
        {
            if (node.ExitedOnItsOwn(out var code))
            {
                Violation($"{node.Name} exited on its own with code {code} (log: {node.LogPath})");
                node.Kill();
                node.Start(TimeSpan.Zero, 0);
            }
        }
    }

    private async Task<bool> WaitForHeightsAsync(ulong height, TimeSpan bound, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < bound)
        {
            var all = true;
            for (var i = 0; i < _nodes.Length; i++)
            {
                var status = await StatusAsync(i, ct);
                if (status is null || status.LatestHeight < height)
                {
                    all = false;
                }
            }

            if (all)
            {
                return true;
            }

            CheckCrashes();
            await Task.Delay(250, ct);
        }

        return false;
    }

    private async Task<StatusResponse?> StatusAsync(int i, CancellationToken ct)
    {
        if (_nodes[i].State != NodeState.Running)
        {
            return null;
        }

        try
        {
            // Asked and answered moments: the observer loop and the liveness wait may ask one node at once, and their
            // answers may come back in either order (SafetyLedger compares an answer only with those received before it
            // was asked).
            var asked = Stopwatch.GetTimestamp();
            var status = await _clients[i].Status.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct);
            var answered = Stopwatch.GetTimestamp();
            if (_ledger.Observe(_nodes[i].Name, status.LatestHeight, Convert.ToHexString(status.LatestBlockHash.Span), latest: true, asked, answered) is { } violation)
            {
                Violation(violation);
            }

            return status;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private async Task ObserveAsync(ChaosNode node, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await StatusAsync(node.Index, ct);
                await Task.Delay(250, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Observe(int node, ulong height, ByteString hash, bool latest)
    {
        if (_ledger.Observe(_nodes[node].Name, height, Convert.ToHexString(hash.Span), latest) is { } violation)
        {
            Violation(violation);
        }
    }

    private async Task SendAsync(int sender, CancellationToken ct)
    {
        var rng = new Random(_seed * 31 + sender);
        var key = LoadAccounts.Key(sender);
        var from = Address.ToBech32(key.Address);
        var to = Address.ToBech32(LoadAccounts.Key((sender + 1) % _options.Senders).Address);
        var fee = new Fee { GasLimit = 100_000 };
        fee.Amount.Add(new Coin { Denom = Coins.BaseDenom, Amount = 1_000 });
        while (!ct.IsCancellationRequested)
        {
            var running = _nodes.Where(n => n.State == NodeState.Running).ToArray();
            try
            {
                if (running.Length == 0)
                {
                    await Task.Delay(200, ct);
                    continue;
                }

                var node = running[rng.Next(running.Length)];
                var client = _clients[node.Index];
                var account = (await client.Bank.AccountAsync(new QueryAccountRequest { Address = from }, deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct)).Account;
                var msg = new MsgSend { FromAddress = from, ToAddress = to };
                msg.Amount.Add(new Coin { Denom = Coins.BaseDenom, Amount = 1 });
                var bytes = TxFactory.Sign(key, ChainId, account.AccountNumber, account.Sequence, fee, [msg]).ToByteArray();
                var response = await client.Tx.BroadcastTxAsync(
                    new BroadcastTxRequest { TxBytes = ByteString.CopyFrom(bytes), Mode = BroadcastMode.Commit },
                    deadline: DateTime.UtcNow.AddSeconds(15),
                    cancellationToken: ct);
                if (response.Result.Code == 0 && response.Height > 0)
                {
                    _acks.Add((Convert.ToHexString(TxFactory.Hash(bytes)), response.Height, node.Name));
                }
                else
                {
                    await Task.Delay(300, ct);
                }
            }
            catch (RpcException)
            {
                await DelayQuietly(300, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Every node's block at every height all hold, compared; every acknowledged tx looked up on every node.</summary>
    private async Task<(int Compared, int Evidence, ulong[] Finals)> CheckChainsAsync(CancellationToken ct)
    {
        // A tx acknowledged just before the senders stopped may be one height ahead of some node: let all catch up.
        var acked = _acks.IsEmpty ? 0 : _acks.Max(a => a.Height);
        await WaitForHeightsAsync(acked, TimeSpan.FromSeconds(30), ct);
        var finals = new ulong[_nodes.Length];
        for (var i = 0; i < _nodes.Length; i++)
        {
            finals[i] = (await StatusAsync(i, ct))?.LatestHeight ?? 0;
        }

        var common = finals.Min();
        var evidence = 0;
        var txHeights = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var offences = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (ulong h = 1; h <= common; h++)
        {
            string? blockHash = null, appHash = null;
            for (var i = 0; i < _nodes.Length; i++)
            {
                var response = await _clients[i].Blocks.GetBlockAsync(new GetBlockRequest { Height = h }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
                var hash = Convert.ToHexString(response.BlockId.Hash.Span);
                var app = Convert.ToHexString(response.Block.Header.AppHash.Span);
                if (i == 0)
                {
                    (blockHash, appHash) = (hash, app);
                    foreach (var item in response.Block.Evidence?.Evidence ?? [])
                    {
                        evidence++;
                        var vote = item.DuplicateVoteEvidence?.VoteA;
                        var offence = vote is null ? "unknown" : $"{Convert.ToHexString(vote.ValidatorAddress.Span)} at height {vote.Height} round {vote.Round} {vote.Type}";
                        if (!offences.TryAdd(offence, h))
                        {
                            Violation($"the offence of {offence} was committed twice: at heights {offences[offence]} and {h}");
                        }
                    }
                    foreach (var tx in response.Block.Data.Txs)
                    {
                        txHeights[Convert.ToHexString(TxFactory.Hash(tx.Span))] = h;
                    }
                }
                else if (hash != blockHash || app != appHash)
                {
                    Violation($"height {h}: node0 holds block {blockHash} app hash {appHash}, {_nodes[i].Name} holds {hash} app hash {app}");
                }

                Observe(i, h, response.BlockId.Hash, latest: false);
            }
        }

        foreach (var (hash, height, node) in _acks)
        {
            if (height > common)
            {
                Violation($"tx {hash} acknowledged by {node} at height {height}, above the height every node holds ({common})");
            }
            else if (!txHeights.TryGetValue(hash, out var at) || at != height)
            {
                Violation($"tx {hash} acknowledged by {node} at height {height} is {(txHeights.ContainsKey(hash) ? "at height " + at : "in no block")}");
            }

            for (var i = 0; i < _nodes.Length; i++)
            {
                try
                {
                    var found = await _clients[i].Tx.GetTxAsync(new GetTxRequest { TxHash = ByteString.CopyFrom(Convert.FromHexString(hash)) }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
                    if (found.Result.Code != 0)
                    {
                        Violation($"tx {hash}: {_nodes[i].Name} reports code {found.Result.Code}, acknowledged with 0");
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    Violation($"tx {hash} acknowledged by {node} at height {height}: {_nodes[i].Name} does not know it");
                }
            }
        }

        return ((int)common, evidence, finals);
    }

    private void Violation(string text)
    {
        lock (_violations)
        {
            if (_violations.Count < MaxViolationsListed && !_violations.Contains(text))
            {
                _violations.Add(text);
                _log.WriteLine($"  VIOLATION {text}");
            }
        }
    }

    private static async Task DelayQuietly(int milliseconds, CancellationToken ct)
    {
        try
        {
            await Task.Delay(milliseconds, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A base port whose block of 10 ports per node is free on loopback now.</summary>
    private static int FreePortBlock(int nodes)
    {
        var rng = new Random();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var basePort = 20_000 + rng.Next(3_000) * 10;
            var free = true;
            for (var i = 0; i < nodes && free; i++)
            {
                for (var k = 0; k < 3 && free; k++)
                {
                    try
                    {
                        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, basePort + (i * 10) + k));
                    }
                    catch (SocketException)
                    {
                        free = false;
                    }
                }
            }

            if (free)
            {
                return basePort;
            }
        }

        throw new ChaosException("no free block of loopback ports found");
    }
}
