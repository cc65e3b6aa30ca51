namespace Chain.LoadGen;

/// <summary>What `loadgen run` does: the validated command-line options.</summary>
public sealed record LoadOptions
{
    /// <summary>gRPC addresses (host:port) that receive the txs; account i sends to node i mod count.</summary>
    public required IReadOnlyList<string> Nodes { get; init; }

    /// <summary>The node whose committed blocks are watched for latency (default the first of <see cref="Nodes"/>).</summary>
    public required string Watch { get; init; }

    public required double Rate { get; init; }

    public required TimeSpan Duration { get; init; }

    public required int Accounts { get; init; }

    /// <summary>First account index used; runs on one chain may use disjoint ranges.</summary>
    public int FirstAccount { get; init; }

    public ulong GasLimit { get; init; } = 100_000;

    public ulong Fee { get; init; } = 1_000;

    /// <summary>Most BroadcastTx calls in flight at once; the schedule falls behind (and says so) beyond it.</summary>
    public int MaxInFlight { get; init; } = 4_000;

    /// <summary>
    /// Most txs per call: 1 sends each tx with its own BroadcastTx; more sends BroadcastTxs batches, one call in flight
    /// per node, each carrying the txs that came due for that node while the previous call was out.
    /// </summary>
    public int Batch { get; init; } = 1;

    /// <summary>How long to wait after the last send for accepted txs to be committed.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    public string? JsonPath { get; init; }
}
