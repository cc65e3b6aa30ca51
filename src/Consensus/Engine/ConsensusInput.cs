namespace Chain.Consensus.Engine;

/// <summary>Something that happens to the engine: a proposal or vote (from a peer or our own, once signed),
/// a timeout firing, or the driver telling it the decided block is durably applied.</summary>
public abstract record ConsensusInput;
