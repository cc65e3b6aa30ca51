namespace Chain.Consensus.Engine;

/// <summary>Deliver <see cref="TimeoutInput"/>(<paramref name="Timeout"/>) after <paramref name="Delay"/>.</summary>
public sealed record ScheduleTimeout(TimeoutInfo Timeout, TimeSpan Delay) : ConsensusOutput;
