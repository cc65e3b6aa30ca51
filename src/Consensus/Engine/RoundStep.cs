namespace Chain.Consensus.Engine;

/// <summary>Where the engine is inside a height. Ordered: a later step compares greater.</summary>
public enum RoundStep
{
    /// <summary>Waiting timeout_commit after the previous height's commit; messages of the new height are already collected.</summary>
    NewHeight = 0,
    Propose = 1,
    Prevote = 2,
    Precommit = 3,

    /// <summary>Decided; waiting for the driver's <see cref="BlockAppliedInput"/>.</summary>
    Commit = 4,
}
