namespace Chain.Consensus.Signing;

/// <summary>What the double-sign guard did; <paramref name="Reason"/> says why it refused.</summary>
public sealed record GuardResult(GuardDecision Decision, string? Reason = null)
{
    public bool IsSigned => Decision != GuardDecision.Refused;
}
