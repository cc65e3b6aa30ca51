namespace Chain.Consensus.Validators;

/// <summary>A validator set or a set of updates that breaks a rule (duplicate, negative power, unknown removal...).</summary>
public sealed class ValidatorSetException(string message) : Exception(message);
