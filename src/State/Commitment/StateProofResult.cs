namespace Chain.State.Commitment;

/// <summary>A value (null when absent) with its encoded proof at a version.</summary>
public sealed record StateProofResult(ulong Version, byte[]? Value, byte[] Proof);
