namespace Chain.Chaos;

/// <summary>What every run of a batch shares: network size, fault time, senders and the liveness bound.</summary>
public sealed record ChaosOptions
{
    public int Nodes { get; init; } = 4;

    /// <summary>Seconds of faults (then everything is healed and liveness is timed).</summary>
    public double Seconds { get; init; } = 40;

    public bool UseNetns { get; init; }

    public bool ClockSkew { get; init; } = true;

    /// <summary>Accounts sending transfers in commit mode throughout the run, one at a time each.</summary>
    public int Senders { get; init; } = 4;

    /// <summary>After healing, every node must commit this many new heights within <see cref="LivenessBound"/>.</summary>
    public int LivenessHeights { get; init; } = 3;

    public TimeSpan LivenessBound { get; init; } = TimeSpan.FromSeconds(60);

    public required string ChaindDll { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Keep each run's homes and logs even when it found nothing (they are always kept when it did).</summary>
    public bool KeepHomes { get; init; }
}

public sealed record RunResult(
    int Run,
    int Seed,
    int Nodes,
    bool Netns,
    string[] Faults,
    ulong[] FinalHeights,
    int HeightsCompared,
    int TxsAcknowledged,
    int EvidenceCommitted,
    double? LivenessSeconds,
    string[] Violations,
    double Seconds,
    string? Directory);
