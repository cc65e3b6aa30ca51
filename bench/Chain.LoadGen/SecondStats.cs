namespace Chain.LoadGen;

/// <summary>One second of the run: txs sent, accepted and committed in it, and each node's mempool then.</summary>
public sealed class SecondStats
{
    public int Second { get; init; }

    public int Sent { get; set; }

    public int Accepted { get; set; }

    public int Committed { get; set; }

    public long[]? Mempool { get; set; }

    public long[]? Heights { get; set; }
}
