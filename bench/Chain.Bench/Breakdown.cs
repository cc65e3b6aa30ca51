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
/// times the real Execute and Commit beside them. Prints medians over the runs of wall time and of the
/// process's processor time (all threads), and the app hash (which must
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
                    var cpuMedian = samples.Select(s => s[Phases.Length + p]).Order().ToArray()[sorted.Length / 2];
                    Console.WriteLine($"  {Phases[p],-30} {median,9:F1} ms   (min {sorted[0],7:F1}, max {sorted[^1],7:F1})   cpu {cpuMedian,8:F1} ms");
                }

                var total = samples.Select(s => s[Phases.Length - 1]).Order().ToArray()[samples.Count / 2];
                var totalCpu = samples.Select(s => s[^1]).Order().ToArray()[samples.Count / 2];
                Console.WriteLine($"  => {workload.TxCount / (total / 1000):F0} transfers/s executed and committed (median wall); {totalCpu * 1000 / workload.TxCount:F1} us of cpu per tx");
            }
        }
    }

    private static (double[] Times, string AppHash) Once(TransferWorkload workload, Backend backend)
    {
        var times = new double[Phases.Length * 2];
        var block = workload.Block;
        var cpu = new CpuClock();
        using (var store = BenchStore.Create(backend))
        using (var app = workload.OpenApp(store.Store))
        {
            var executor = app.Executor;
            var sw = Stopwatch.StartNew();
            cpu.Lap();
            var (txs, errors) = executor.DecodeAll(block);
            times[0] = Lap(sw);
            times[Phases.Length + 0] = cpu.Lap();
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
            times[Phases.Length + 1] = cpu.Lap();

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
            times[Phases.Length + 2] = cpu.Lap();
            var writes = cache.SortedWrites();
            times[3] = Lap(sw);
            times[Phases.Length + 3] = cpu.Lap();
            using var batch = app.Store.CreateBatch();
            CommittedState.StageWrites(header.Height, writes, batch);
            times[4] = Lap(sw);
            times[Phases.Length + 4] = cpu.Lap();
            var appHash = app.Commitment.Stage(header.Height, writes, batch);
            results.AppHash = ByteString.CopyFrom(appHash);
            times[5] = Lap(sw);
            times[Phases.Length + 5] = cpu.Lap();
            executor.Blocks.Stage(block, new Commit(), results, batch);
            times[6] = Lap(sw);
            times[Phases.Length + 6] = cpu.Lap();
            app.Store.Write(batch, sync: true);
            times[7] = Lap(sw);
            times[Phases.Length + 7] = cpu.Lap();
            times[8] = times[..8].Sum();
            times[Phases.Length + 8] = times[Phases.Length..(Phases.Length + 8)].Sum();
        }

        string hash;
        using (var store = BenchStore.Create(backend))
        using (var app = workload.OpenApp(store.Store))
        {
            var sw = Stopwatch.StartNew();
            cpu.Lap();
            var execution = app.Executor.Execute(block);
            times[9] = Lap(sw);
            times[Phases.Length + 9] = cpu.Lap();
            app.Executor.Commit(execution, new Commit());
            times[10] = Lap(sw);
            times[Phases.Length + 10] = cpu.Lap();
            times[11] = times[9] + times[10];
            times[Phases.Length + 11] = times[Phases.Length + 9] + times[Phases.Length + 10];
            workload.AssertAllOk(execution);
            hash = Convert.ToHexString(execution.AppHash);
        }

        return (times, hash);
    }

    /// <summary>Processor time of the whole process (all threads, GC included): steadier than wall time on a busy machine.</summary>
    private sealed class CpuClock
    {
        private TimeSpan _last = Process.GetCurrentProcess().TotalProcessorTime;

        public double Lap()
        {
            var now = Process.GetCurrentProcess().TotalProcessorTime;
            var ms = (now - _last).TotalMilliseconds;
            _last = now;
            return ms;
        }
    }

    private static double Lap(Stopwatch sw)
    {
        var ms = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        return ms;
    }
}
