using System.Globalization;

namespace Chain.Chaos;

public enum FaultKind
{
    /// <summary>SIGKILL, started again after the fault's duration.</summary>
    Kill,

    /// <summary>SIGSTOP, SIGCONT after the fault's duration.</summary>
    Pause,

    /// <summary>SIGTERM (a clean shutdown) and started again at once.</summary>
    Restart,

    /// <summary>The nodes of <see cref="Fault.Nodes"/> cut off from the rest, healed after the duration.</summary>
    Partition,

    /// <summary>Restarted with its wall clock moved by <see cref="Fault.Skew"/>; restarted on time after the duration.</summary>
    ClockSkew,

    /// <summary>From its first start, signs a conflicting prevote at <see cref="Fault.Height"/> (once per process).</summary>
    DoubleSign,
}

/// <summary>One perturbation: what, to whom, when it starts and how long it lasts (seconds into the run).</summary>
public sealed record Fault(FaultKind Kind, int[] Nodes, double At, double Duration, TimeSpan Skew, ulong Height = 0)
{
    public double Ends => At + Duration;

    public override string ToString()
    {
        var who = string.Join(',', Nodes.Select(n => "node" + n.ToString(CultureInfo.InvariantCulture)));
        var what = Kind switch
        {
            FaultKind.ClockSkew => $"clock-skew {Skew.TotalSeconds:+0;-0} s",
            FaultKind.Partition => $"partition {{{who}}} | rest",
            FaultKind.DoubleSign => $"double-sign at height {Height}",
            _ => Kind.ToString().ToLowerInvariant(),
        };
        return $"{At,5:0.0}s +{Duration:0.0}s {what}{(Kind == FaultKind.Partition ? "" : " " + who)}";
    }
}

/// <summary>
/// A run's faults, drawn from its seed alone (the same seed gives the same schedule): one fault every 2 to 6 s, each on
/// nodes no other fault holds at the time, at most one partition at once; in half the runs one validator double-signs
/// at a height from 4 to 9, early, while the chain still commits (a restart makes it honest again). Faults may
/// overlap so that more than a third of the power is down at once: the chain may stall then, but must never fork.
/// </summary>
public static class Schedule
{
    public static IReadOnlyList<Fault> Draw(int seed, int nodes, double seconds, bool partitions, bool clockSkew)
    {
        var rng = new Random(seed);
        var faults = new List<Fault>();
        var busyUntil = new double[nodes];
        var partitionUntil = 0.0;
        var kinds = Enum.GetValues<FaultKind>()
            .Where(k => k != FaultKind.DoubleSign && (partitions || k != FaultKind.Partition) && (clockSkew || k != FaultKind.ClockSkew))
            .ToArray();
        if (rng.Next(2) == 0)
        {
            faults.Add(new Fault(FaultKind.DoubleSign, [rng.Next(nodes)], 0, 0, TimeSpan.Zero, (ulong)(4 + rng.Next(6))));
        }

        for (var t = 1.0 + rng.NextDouble() * 2; t < seconds - 2; t += 2 + rng.NextDouble() * 4)
        {
            var kind = kinds[rng.Next(kinds.Length)];
            var duration = Math.Min(2 + rng.NextDouble() * 8, seconds - t);
            if (kind == FaultKind.Partition)
            {
                if (t < partitionUntil)
                {
                    continue;
                }

                // One node alone, or (from four nodes) a split where neither side holds two thirds of the power.
                var size = nodes >= 4 && rng.Next(2) == 0 ? nodes / 2 : 1;
                var side = Enumerable.Range(0, nodes).OrderBy(_ => rng.Next()).Take(size).Order().ToArray();
                faults.Add(new Fault(kind, side, t, duration, TimeSpan.Zero));
                partitionUntil = t + duration;
                continue;
            }

            var free = Enumerable.Range(0, nodes).Where(n => busyUntil[n] <= t).ToArray();
            if (free.Length == 0)
            {
                continue;
            }

            var node = free[rng.Next(free.Length)];
            var skew = TimeSpan.Zero;
            if (kind == FaultKind.ClockSkew)
            {
                // Within consensus.max_clock_drift (10 s) half the time, far beyond it otherwise.
                var magnitude = rng.Next(2) == 0 ? 1 + rng.Next(8) : 15 + rng.Next(46);
                skew = TimeSpan.FromSeconds(rng.Next(2) == 0 ? magnitude : -magnitude);
                duration = Math.Max(duration, Math.Min(6, seconds - t));
            }

            if (kind == FaultKind.Restart)
            {
                duration = 0;
            }

            faults.Add(new Fault(kind, [node], t, duration, skew));
            busyUntil[node] = t + duration + 1;
        }

        return faults;
    }
}
