using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>Sign this (unsigned, untimed) vote through the double-sign guard, log it, broadcast it,
/// and feed the signed vote back as a <see cref="VoteInput"/>.</summary>
public sealed record SignAndBroadcastVote(Vote Vote) : ConsensusOutput;
