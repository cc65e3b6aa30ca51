using Chain.Consensus.Engine;
using Xunit.Abstractions;

namespace Chain.Consensus.Tests.Simulation;

/// <summary>Each check of the simulator can fail: deliberately broken engines and nodes are caught.</summary>
public sealed class BrokenEngineTests(ITestOutputHelper output)
{
    private static SimulationConfig Adversarial(int seed, int n, int equivocators, EngineFaults faults)
    {
        var rng = new Random(seed);
        var behaviours = new Behaviour[n];
        for (int i = 0; i < equivocators; i++)
        {
            behaviours[n - 1 - i] = Behaviour.Equivocator;
        }

        return new SimulationConfig
        {
            Validators = n,
            Behaviours = behaviours,
            DropRate = 0.2 + rng.NextDouble() * 0.3,
            MaxDelayMs = rng.Next(20, 200),
            HealAtMs = 6_000,
            Partition = (rng.Next(0, 3_000), rng.Next(3_000, 6_000), Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5).ToArray()),
            InvalidBlockRate = 0.3,
            HonestFaults = faults,
            LivenessBoundMs = 20_000,
        };
    }

    private SimulationResult FindViolation(string kind, Func<int, SimulationConfig> config, int maxSeeds = 400)
    {
        for (int seed = 1; seed <= maxSeeds; seed++)
        {
            SimulationResult result = new Simulation(seed, config(seed)).Run();
            if (result.Violations.Any(v => v.StartsWith(kind, StringComparison.Ordinal)))
            {
                output.WriteLine(result.ToString());
                return result;
            }
        }

        Assert.Fail($"no '{kind}' violation found in {maxSeeds} seeds");
        return null!;
    }

    [Fact]
    public void Engine_that_ignores_its_lock_breaks_agreement()
    {
        FindViolation("agreement", seed => Adversarial(seed, 4, 1, new EngineFaults { IgnoreLock = true }));
    }

    [Fact]
    public void Engine_that_commits_on_half_the_power_breaks_agreement()
    {
        FindViolation("agreement", seed => Adversarial(seed, 7, 2, new EngineFaults { CommitOnHalf = true }));
    }

    [Fact]
    public void Honest_node_that_double_signs_is_reported()
    {
        FindViolation("double sign", seed => Adversarial(seed, 4, 1, EngineFaults.None) with { CountedAsHonest = [3] }, 5);
    }

    [Fact]
    public void Engine_that_swallows_evidence_is_reported()
    {
        FindViolation("evidence", seed => Adversarial(seed, 4, 1, new EngineFaults { SuppressEvidence = true }), 20);
    }

    [Fact]
    public void Engine_that_accepts_invalid_blocks_breaks_validity()
    {
        FindViolation("validity", seed => Adversarial(seed, 4, 1, new EngineFaults { AcceptInvalidBlocks = true }) with { InvalidBlockRate = 0.9 }, 50);
    }

    [Fact]
    public void Engine_without_a_propose_timeout_loses_liveness_to_a_silent_proposer()
    {
        FindViolation("liveness", seed => new SimulationConfig
        {
            Validators = 4,
            Behaviours = [Behaviour.Honest, Behaviour.Honest, Behaviour.Honest, Behaviour.Silent],
            HonestFaults = new EngineFaults { IgnoreProposeTimeout = true },
            LivenessBoundMs = 20_000,
        }, 5);
    }

    [Fact]
    public void Correct_engines_pass_the_same_adversarial_schedules()
    {
        for (int seed = 1; seed <= 60; seed++)
        {
            SimulationResult a = new Simulation(seed, Adversarial(seed, 4, 1, EngineFaults.None)).Run();
            Assert.True(a.Ok, a.ToString());
            SimulationResult b = new Simulation(seed, Adversarial(seed, 7, 2, EngineFaults.None)).Run();
            Assert.True(b.Ok, b.ToString());
        }
    }
}
