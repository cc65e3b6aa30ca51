namespace Chain.State.Store;

/// <summary>The gas schedule (Cosmos SDK's KVGasConfig and ante costs).</summary>
public sealed record GasCosts
{
    public ulong ReadFlat { get; init; } = 1000;
    public ulong ReadPerByte { get; init; } = 3;
    public ulong WriteFlat { get; init; } = 2000;
    public ulong WritePerByte { get; init; } = 30;
    public ulong Delete { get; init; } = 1000;
    public ulong IterNextFlat { get; init; } = 30;
    public ulong TxSizePerByte { get; init; } = 10;
    public ulong SignatureVerify { get; init; } = 1000;

    public static GasCosts Default { get; } = new();
}
