namespace Chain.Consensus.Engine;

/// <summary>A timeout the engine scheduled earlier has elapsed.</summary>
public sealed record TimeoutInput(TimeoutInfo Timeout) : ConsensusInput;
