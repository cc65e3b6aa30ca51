namespace Chain.Consensus.Engine;

/// <summary>Something the engine asks its driver to do. Outputs are returned in the order to act on them.</summary>
public abstract record ConsensusOutput;
