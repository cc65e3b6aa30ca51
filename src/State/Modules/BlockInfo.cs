namespace Chain.State.Modules;

/// <summary>The block being executed (or, for CheckTx, the next one).</summary>
public sealed record BlockInfo(string ChainId, ulong Height, long TimeUnixNanos, byte[] ProposerAddress);
