namespace Chain.Consensus.Engine;

/// <summary>
/// Deliberate bugs, for tests only: they show that the simulator's checks catch a broken engine.
/// Internal, so no production caller can switch them on.
/// </summary>
internal sealed record EngineFaults
{
    public static EngineFaults None { get; } = new();

    /// <summary>Prevote any valid proposal, whatever the lock (breaks lines 22-33 of Algorithm 1).</summary>
    public bool IgnoreLock { get; init; }

    /// <summary>Decide on more than 1/2 of the power instead of more than 2/3.</summary>
    public bool CommitOnHalf { get; init; }

    /// <summary>As proposer, always build a fresh block instead of re-proposing the valid value (a byzantine habit).</summary>
    public bool IgnoreValidValue { get; init; }

    /// <summary>Never report double signing.</summary>
    public bool SuppressEvidence { get; init; }

    /// <summary>Treat every proposed block as valid (valid(v) always true).</summary>
    public bool AcceptInvalidBlocks { get; init; }

    /// <summary>Wait for a proposal forever (no timeout_propose): a silent proposer stalls the chain.</summary>
    public bool IgnoreProposeTimeout { get; init; }
}
