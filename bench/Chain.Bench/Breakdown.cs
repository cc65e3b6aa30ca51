using System.Diagnostics;
using System.Globalization;
using Chain.Node.App;
using Chain.Proto.Types;
using Chain.State.Blocks;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Bench;

/// <summary>
/// `--breakdown`: a Stopwatch harness that times the phases of executing and committing the transfer block,
/// by running the steps of BlockExecutor.Execute and Commit one by one through their public parts, and
/// times the real Execute and Commit beside them. Prints medians over the runs, and the app hash (which must
/// not change when the code is optimized).
/// Usage: --breakdown [--runs N] [--shape 10000x1|100x100] [--backend Memory|RocksDb]
/// </summary>
public static class Breakdown
{
    private static readonly string[] Phases =
    [
        "decode (parallel)", "pre-verify (parallel)", "deliver (10k txs)", "sorted writes", "stage state writes",
        "commitment hash", "stage block+results+txs", "RocksDB/memory write (sync)", "sum of phases", "real Execute", "real Commit", "real Execute+Commit",
    ];

    public static void Run(string[] args)
    {
        var runs = 7;
        string[] shapes = ["10000x1", "100x100"];
        Backend[] backends = [Backend.Memory, Backend.RocksDb];
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--shape": shapes = [args[i + 1]]; break;
                case "--backend": backends = [Enum.Parse<Backend>(args[i + 1], ignoreCase: true)]; break;
            }
        }

        Console.WriteLine($"{Environment.ProcessorCount} cores, {runs} runs per case, medians in ms");
        foreach (var shape in shapes)
        {
            var parts = shape.Split('x');
            var workload = TransferWorkload.Create(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
            foreach (var backend in backends)
            {
                var samples = new List<double[]>();
                string? appHash = null;
                for (var r = 0; r < runs + 1; r++)
                {
                    var (times, hash) = Once(workload, backend);
                    appHash ??= hash;
                    if (hash != appHash)
                    {
                        throw new InvalidOperationException($"app hash changed between runs: {appHash} then {hash}");
                    }

                    if (r > 0)
                    {
                        samples.Add(times); // the first run warms the JIT
                    }
                }

                Console.WriteLine();
                Console.WriteLine($"== {shape} senders x txs, {backend}, {workload.TxCount} txs; app hash {appHash}");
                for (var p = 0; p < Phases.Length; p++)
                {
                    var sorted = samples.Select(s => s[p]).Order().ToArray();
                    var median = sorted[sorted.Length / 2];
                    Console.WriteLine($"  {Phases[p],-30} {median,9:F1} ms   (min {sorted[0]:F1}, max {sorted[^1]:F1})");
                }

                var total = samples.Select(s => s[^1]).Order().ToArray()[samples.Count / 2];
                Console.WriteLine($"  => {workload.TxCount / (total / 1000):F0} transfers/s executed and committed (median)");
            }
        }
    }

    private static (double[] Times, string AppHash) Once(TransferWorkload workload, Backend backend)
    {
        var times = new double[Phases.Length];
        var block = workload.Block;
        using (var store = BenchStore.Create(backend))
        using (var app = workload.OpenApp(store.Store))
        {
            var executor = app.Executor;
            var sw = Stopwatch.StartNew();
            var (txs, errors) = executor.DecodeAll(block);
            times[0] = Lap(sw);
            var decoded = new List<DecodedTx>(txs.Length);
            foreach (var t in txs)
            {
                if (t is not null)
                {
                    decoded.Add(t);
                }
            }

            app.Processor.PreVerify(decoded, executor.Committed);
            times[1] = Lap(sw);

            var header = block.Header;
            var info = new BlockInfo(header.ChainId, header.Height, header.TimeUnixNanos, header.ProposerAddress.ToByteArray());
            var cache = new CacheState(executor.Committed);
            var results = new BlockResults();
            var phase = new MsgContext(cache, info, new GasMeter(ulong.MaxValue), new EventSink());
            foreach (var module in app.Router.Modules)
            {
                module.BeginBlock(phase);
            }

            cache.DiscardJournal();
            for (var i = 0; i < txs.Length; i++)
            {
                var r = txs[i] is { } tx ? app.Processor.Deliver(cache, tx, info) : errors[i]!;
                r.Height = header.Height;
                r.Index = (uint)i;
                results.Results.Add(r);
                if (r.Code != 0)
                {
                    throw new InvalidOperationException($"tx {i} failed: {r.Log}");
                }
            }

            foreach (var module in app.Router.Modules)
            {
                module.EndBlock(phase);
            }

            cache.DiscardJournal();
            times[2] = Lap(sw);
            var writes = cache.SortedWrites();
            times[3] = Lap(sw);
            using var batch = app.Store.CreateBatch();
            CommittedState.StageWrites(writes, batch);
            times[4] = Lap(sw);
            var appHash = app.Commitment.Stage(header.Height, writes, batch);
            results.AppHash = ByteString.CopyFrom(appHash);
            times[5] = Lap(sw);
            executor.Blocks.Stage(block, new Commit(), results, batch);
            times[6] = Lap(sw);
            app.Store.Write(batch, sync: true);
            times[7] = Lap(sw);
            times[8] = times[..8].Sum();
        }

        string hash;
        using (var store = BenchStore.Create(backend))
        using (var app = workload.OpenApp(store.Store))
        {
            var sw = Stopwatch.StartNew();
            var execution = app.Executor.Execute(block);
            times[9] = Lap(sw);
            app.Executor.Commit(execution, new Commit());
            times[10] = Lap(sw);
            times[11] = times[9] + times[10];
            workload.AssertAllOk(execution);
            hash = Convert.ToHexString(execution.AppHash);
        }

        return (times, hash);
    }

    private static double Lap(Stopwatch sw)
    {
        var ms = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        return ms;
    }
}
