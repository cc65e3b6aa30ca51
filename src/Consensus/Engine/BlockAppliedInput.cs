using Chain.Consensus.Validators;

namespace Chain.Consensus.Engine;

/// <summary>The block decided at <paramref name="Height"/> is stored and executed; the application
/// returned these validator updates (they take effect at Height + 2).</summary>
public sealed record BlockAppliedInput(ulong Height, IReadOnlyList<ValidatorUpdate> ValidatorUpdates) : ConsensusInput;
