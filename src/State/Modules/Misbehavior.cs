namespace Chain.State.Modules;

/// <summary>
/// A validator proven to have misbehaved at <see cref="Height"/> (today: two conflicting signed votes, CometBFT's
/// DuplicateVoteEvidence), with its power and the total power of that height and the time of the evidence.
/// </summary>
public sealed record Misbehavior(MisbehaviorKind Kind, byte[] ValidatorAddress, ulong Height, long TimeUnixNanos, long ValidatorPower, long TotalVotingPower);
