using Chain.State.Store;

namespace Chain.State.Transactions;

/// <summary>Limits and costs of the tx pipeline; chain-wide values come from genesis.</summary>
public sealed record TxPipelineOptions
{
    public required string ChainId { get; init; }

    public ulong MaxTxBytes { get; init; } = 1024 * 1024;

    public int MaxMessages { get; init; } = 64;

    public int MaxMemoChars { get; init; } = 256;

    public string FeeDenom { get; init; } = Types.Coins.BaseDenom;

    public GasCosts Gas { get; init; } = GasCosts.Default;
}
