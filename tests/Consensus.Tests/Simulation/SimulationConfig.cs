using Chain.Consensus.Engine;

namespace Chain.Consensus.Tests.Simulation;

public enum Behaviour
{
    Honest,

    /// <summary>Never sends anything.</summary>
    Silent,

    /// <summary>Runs the protocol but signs a second, conflicting vote (and proposal) for every one it sends,
    /// and shows each to a different half of its peers; as proposer it ignores its valid value.</summary>
    Equivocator,
}

/// <summary>One simulated run. Times are virtual milliseconds.</summary>
public sealed record SimulationConfig
{
    public int Validators { get; init; } = 4;

    public long[]? Powers { get; init; }

    public Behaviour[]? Behaviours { get; init; }

    /// <summary>Nodes that misbehave but are counted as honest by the checks (to show the checks fire).</summary>
    public int[] CountedAsHonest { get; init; } = [];

    public double DropRate { get; init; }

    public double DuplicateRate { get; init; }

    public int MinDelayMs { get; init; } = 1;

    public int MaxDelayMs { get; init; } = 20;

    /// <summary>Before this time the network drops, partitions and crashes; after it, all is delivered within MaxDelayMs.</summary>
    public int HealAtMs { get; init; }

    public (int FromMs, int ToMs, bool[] SideA)? Partition { get; init; }

    public (int Node, int DownAtMs, int UpAtMs)[] Crashes { get; init; } = [];

    /// <summary>At this height the application raises one honest validator's power (taking effect two heights later).</summary>
    public (ulong Height, int Node, long NewPower)? PowerChange { get; init; }

    public double InvalidBlockRate { get; init; }

    public int GossipIntervalMs { get; init; } = 200;

    /// <summary>After the heal every honest node must commit this many more heights ...</summary>
    public int LivenessHeights { get; init; } = 2;

    /// <summary>... within this much virtual time.</summary>
    public int LivenessBoundMs { get; init; } = 60_000;

    /// <summary>At least this many heights are committed before the run may stop.</summary>
    public ulong MinHeights { get; init; } = 3;

    internal EngineFaults HonestFaults { get; init; } = EngineFaults.None;

    public long PowerOf(int node) => Powers?[node] ?? 1;

    public Behaviour BehaviourOf(int node) => Behaviours?[node] ?? Behaviour.Honest;

    public bool IsHonest(int node) => BehaviourOf(node) == Behaviour.Honest || CountedAsHonest.Contains(node);

    public override string ToString() =>
        $"n={Validators} powers=[{string.Join(",", Enumerable.Range(0, Validators).Select(PowerOf))}] " +
        $"behaviours=[{string.Join(",", Enumerable.Range(0, Validators).Select(i => BehaviourOf(i).ToString()[0]))}] " +
        $"drop={DropRate:F2} dup={DuplicateRate:F2} delay={MinDelayMs}-{MaxDelayMs}ms heal={HealAtMs}ms " +
        $"partition={(Partition is { } p ? $"{p.FromMs}-{p.ToMs}" : "none")} crashes={Crashes.Length} powerChange={PowerChange?.Height.ToString() ?? "none"}";

    /// <summary>A random scenario for one seed: 4-10 validators, up to f byzantine by power, random faults before the heal.</summary>
    public static SimulationConfig Random(int seed)
    {
        var rng = new Random(seed);
        int n = rng.NextDouble() < 0.7 ? rng.Next(4, 8) : rng.Next(8, 11);
        long[] powers = new long[n];
        for (int i = 0; i < n; i++)
        {
            powers[i] = rng.NextDouble() < 0.6 ? 1 : rng.Next(1, 5);
        }

        long total = powers.Sum();
        var behaviours = new Behaviour[n];
        long byzantinePower = 0;
        int wanted = rng.Next(0, (n - 1) / 3 + 1);
        foreach (int i in Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(wanted))
        {
            if ((byzantinePower + powers[i]) * 3 < total)
            {
                byzantinePower += powers[i];
                behaviours[i] = rng.NextDouble() < 0.5 ? Behaviour.Silent : Behaviour.Equivocator;
            }
        }

        bool calm = rng.NextDouble() < 0.15;
        int heal = calm ? 0 : rng.Next(1_000, 8_000);
        var honest = Enumerable.Range(0, n).Where(i => behaviours[i] == Behaviour.Honest).ToArray();
        var crashes = new List<(int, int, int)>();
        if (!calm && rng.NextDouble() < 0.5)
        {
            foreach (int node in honest.OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)))
            {
                int down = rng.Next(0, heal);
                crashes.Add((node, down, rng.Next(down, heal + 1)));
            }
        }

        (int, int, bool[])? partition = null;
        if (!calm && rng.NextDouble() < 0.5)
        {
            int from = rng.Next(0, heal);
            partition = (from, rng.Next(from, heal + 1), Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5).ToArray());
        }

        // Only raises an honest validator's power, so the byzantine share stays below 1/3.
        int raised = honest[rng.Next(honest.Length)];
        (ulong, int, long)? powerChange = rng.NextDouble() < 0.3 ? ((ulong)rng.Next(1, 4), raised, powers[raised] + rng.Next(1, 4)) : null;
        return new SimulationConfig
        {
            Validators = n,
            Powers = powers,
            Behaviours = behaviours,
            DropRate = calm ? 0 : rng.NextDouble() * 0.3,
            DuplicateRate = rng.NextDouble() * 0.1,
            MinDelayMs = 1,
            MaxDelayMs = rng.Next(5, 150),
            HealAtMs = heal,
            Partition = partition,
            Crashes = crashes.ToArray(),
            PowerChange = powerChange,
            InvalidBlockRate = 0.2,
        };
    }
}
