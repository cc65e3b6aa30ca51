namespace Chain.State.Modules;

/// <summary>A validator of the previous height, its voting power then, and whether its precommit is in the last commit.</summary>
public sealed record VoteInfo(byte[] ValidatorAddress, long Power, bool Signed);
