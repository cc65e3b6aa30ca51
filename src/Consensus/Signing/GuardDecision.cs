namespace Chain.Consensus.Signing;

public enum GuardDecision
{
    /// <summary>A new (height, round, step): the state was persisted, then the message signed.</summary>
    Signed,

    /// <summary>The same message as the last one signed (a replay after a crash): the stored signature and timestamp are returned.</summary>
    Resigned,

    /// <summary>Signing would conflict with, or go back behind, what was already signed.</summary>
    Refused,
}
