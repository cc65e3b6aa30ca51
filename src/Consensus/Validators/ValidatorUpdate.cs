namespace Chain.Consensus.Validators;

/// <summary>A change the application returns at the end of a block: a new validator, a new power,
/// or (power 0) a removal. Updates returned at height H take effect at H+2.</summary>
public sealed record ValidatorUpdate(byte[] Address, byte[] PublicKey, long VotingPower);
