namespace Chain.LoadGen;

/// <summary>Every option of `loadgen run` as the run used it (defaults filled in), kept in the report.</summary>
public sealed record RunSettings
{
    public required IReadOnlyList<string> Nodes { get; init; }

    public required string Watch { get; init; }

    public required double Rate { get; init; }

    public required double DurationSeconds { get; init; }

    public required int Accounts { get; init; }

    public required int FirstAccount { get; init; }

    public required ulong Gas { get; init; }

    public required ulong Fee { get; init; }

    public required int MaxInFlight { get; init; }

    public required double DrainSeconds { get; init; }

    /// <summary>Most txs per BroadcastTxs call (1: one BroadcastTx per tx). Reports written before it existed read 1.</summary>
    public int Batch { get; init; } = 1;

    public static RunSettings Of(LoadOptions o) => new()
    {
        Nodes = o.Nodes,
        Watch = o.Watch,
        Rate = o.Rate,
        DurationSeconds = o.Duration.TotalSeconds,
        Accounts = o.Accounts,
        FirstAccount = o.FirstAccount,
        Gas = o.GasLimit,
        Fee = o.Fee,
        MaxInFlight = o.MaxInFlight,
        DrainSeconds = o.Drain.TotalSeconds,
        Batch = o.Batch,
    };
}
