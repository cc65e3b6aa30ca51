using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Chain.Chaos;

// chaos [--dry-run] [--runs N] [--seed S] [--validators N] [--seconds S] [--netns auto|on|off] [--no-clock-skew] [--senders N]
//       [--liveness-bound S] [--out DIR] [--keep] --chaind PATH
// Run k uses seed S + k. Exit code 0: no violation in any run; 1: a violation (listed, homes and logs kept); 2: usage.
const string Usage = "usage: chaos --chaind PATH [--dry-run] [--runs N] [--seed S] [--validators N] [--seconds S] [--netns auto|on|off] [--no-clock-skew] [--senders N] [--liveness-bound S] [--out DIR] [--keep]";
var runs = 1;
var seed = Random.Shared.Next(1, 1_000_000);
var netns = "auto";
var dryRun = false;
var options = new ChaosOptions { ChaindDll = "", OutputDirectory = Path.Combine("testnet", ".chaos") };
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
        int Int(int min, int max)
        {
            var name = args[i];
            var text = Value();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : throw new FormatException($"{name} '{text}': expected a whole number from {min} to {max}");
        }

        switch (args[i])
        {
            case "--runs": runs = Int(1, 100_000); break;
            case "--seed": seed = Int(0, int.MaxValue / 64); break;
            case "--validators": options = options with { Nodes = Int(1, 32) }; break;
            case "--seconds": options = options with { Seconds = Int(5, 3_600) }; break;
            case "--senders": options = options with { Senders = Int(1, 64) }; break;
            case "--liveness-bound": options = options with { LivenessBound = TimeSpan.FromSeconds(Int(5, 3_600)) }; break;
            case "--netns": netns = Value() is "auto" or "on" or "off" ? args[i] : throw new FormatException($"--netns '{args[i]}': expected auto, on or off"); break;
            case "--no-clock-skew": options = options with { ClockSkew = false }; break;
            case "--out": options = options with { OutputDirectory = Value() }; break;
            case "--dry-run": dryRun = true; break;
            case "--keep": options = options with { KeepHomes = true }; break;
            case "--chaind": options = options with { ChaindDll = Path.GetFullPath(Value()) }; break;
            case "-h" or "--help": Console.WriteLine(Usage); return 0;
            default: throw new FormatException($"unknown argument '{args[i]}'");
        }
    }

    if (!dryRun && !File.Exists(options.ChaindDll))
    {
        throw new FormatException($"--chaind '{options.ChaindDll}': no such file; build src/Node first (dotnet build src/Node -c Release)");
    }
}
catch (FormatException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

var available = Netns.Available();
if (netns == "on" && !available)
{
    Console.Error.WriteLine("error: --netns on needs root and iproute2 (`ip netns add` failed)");
    return 2;
}

options = options with { UseNetns = netns == "on" || (netns == "auto" && available) };
if (dryRun)
{
    // The faults each run would draw, without running anything.
    for (var run = 0; run < runs; run++)
    {
        Console.WriteLine($"seed {seed + run}:");
        foreach (var fault in Schedule.Draw(seed + run, options.Nodes, options.Seconds, options.UseNetns, options.ClockSkew && FakeTime.Library is not null))
        {
            Console.WriteLine("  " + fault);
        }
    }

    return 0;
}

if (!options.UseNetns)
{
    Console.WriteLine("network namespaces: off (needs root); nodes on loopback, no partitions");
}

if (options.ClockSkew && FakeTime.Library is null)
{
    Console.WriteLine("clock skew: off (libfaketime not found; apt-get install faketime)");
}

options = options with { OutputDirectory = Path.GetFullPath(options.OutputDirectory) };
Directory.CreateDirectory(options.OutputDirectory);
if (options.UseNetns)
{
    Netns.DeleteLeftovers(Console.Out);
}

// Ctrl+C or SIGTERM ends the current run cleanly: its nodes are killed and its namespaces deleted.
using var cancel = new CancellationTokenSource();
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
var report = Path.Combine(options.OutputDirectory, "runs.jsonl");
var failed = 0;
var results = new List<RunResult>();
for (var run = 0; run < runs && !cancel.IsCancellationRequested; run++)
{
    RunResult result;
    try
    {
        result = await new ChaosRun(run, seed + run, options, Console.Out).ExecuteAsync(cancel.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("interrupted");
        break;
    }

    results.Add(result);
    failed += result.Violations.Length > 0 ? 1 : 0;
    await File.AppendAllTextAsync(report, JsonSerializer.Serialize(result) + Environment.NewLine);
    Console.WriteLine($"run {run} seed {result.Seed}: {(result.Violations.Length == 0 ? "ok" : result.Violations.Length + " violation(s)")}, "
        + $"{result.HeightsCompared} heights compared on {result.Nodes} nodes, {result.TxsAcknowledged} acknowledged txs found, {result.EvidenceCommitted} evidence, "
        + $"liveness after heal {(result.LivenessSeconds is { } l ? l.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "NOT REACHED")}, {result.Seconds:0} s"
        + (result.Directory is null ? "" : $", kept in {result.Directory}"));
}

if (results.Count > 0)
{
    var live = results.Where(r => r.LivenessSeconds is not null).Select(r => r.LivenessSeconds!.Value).Order().ToArray();
    Console.WriteLine($"{results.Count} runs (seeds {seed} to {seed + results.Count - 1}), {failed} with violations; "
        + $"{results.Sum(r => r.Faults.Length)} faults, {results.Sum(r => r.HeightsCompared)} heights compared, {results.Sum(r => r.TxsAcknowledged)} acknowledged txs checked; "
        + (live.Length > 0 ? $"liveness after heal median {live[live.Length / 2]:0.0} s, max {live[^1]:0.0} s" : "no run reached liveness")
        + $"; report: {report}");
}

return failed > 0 ? 1 : 0;
