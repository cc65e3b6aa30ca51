namespace Chain.Integration.Tests;

/// <summary>
/// The long multi-validator runs whose assertions count missed blocks (downtime jailing, rewards per signed block) or
/// drive faults of their own: run one after another, never beside each other. Side by side on two cores, the
/// perturbation run's four validators slowed a restarted validator of the staking test past its signing window, so it
/// was jailed again before the test saw it back in the set (seen in one of three suite runs and in a run under heavy load).
/// </summary>
[CollectionDefinition(Name)]
public sealed class LongNetworks
{
    public const string Name = "long multi-validator networks";
}
