using System.Diagnostics;
using Xunit.Abstractions;

namespace Chain.Consensus.Tests.Simulation;

public sealed class SimulationTests(ITestOutputHelper output)
{
    /// <summary>Seeds run in CI; CONSENSUS_SIM_SEEDS overrides (e.g. 100000 for a long soak).</summary>
    private static int SeedCount => int.TryParse(Environment.GetEnvironmentVariable("CONSENSUS_SIM_SEEDS"), out int n) && n > 0 ? n : 3000;

    [Fact]
    public void Random_schedules_keep_agreement_validity_evidence_and_liveness()
    {
        var stopwatch = Stopwatch.StartNew();
        int count = SeedCount;
        var failures = new System.Collections.Concurrent.ConcurrentBag<SimulationResult>();
        long events = 0;
        Parallel.For(1, count + 1, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (seed, state) =>
        {
            SimulationResult result = new Simulation(seed, SimulationConfig.Random(seed)).Run();
            Interlocked.Add(ref events, result.Events);
            if (!result.Ok)
            {
                failures.Add(result);
                state.Stop();
            }
        });
        output.WriteLine($"{count} seeds, {events} events in {stopwatch.Elapsed.TotalSeconds:F1} s");
        SimulationResult? first = failures.OrderBy(f => f.Seed).FirstOrDefault();
        Assert.True(first is null,
            $"{first}\nReplay with: CONSENSUS_SIM_SEED={first?.Seed} dotnet test tests/Consensus.Tests --filter Replay_one_seed");
    }

    /// <summary>Replays the seed in CONSENSUS_SIM_SEED exactly (no-op when it is unset).</summary>
    [Fact]
    public void Replay_one_seed()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("CONSENSUS_SIM_SEED"), out int seed))
        {
            seed = 1;
        }

        SimulationResult result = new Simulation(seed, SimulationConfig.Random(seed)).Run();
        output.WriteLine(result.ToString());
        Assert.True(result.Ok, result.ToString());
    }

    [Fact]
    public void Same_seed_replays_the_same_run()
    {
        SimulationResult a = new Simulation(42, SimulationConfig.Random(42)).Run();
        SimulationResult b = new Simulation(42, SimulationConfig.Random(42)).Run();
        Assert.Equal(a.ToString(), b.ToString());
        Assert.Equal(a.Events, b.Events);
    }
}
