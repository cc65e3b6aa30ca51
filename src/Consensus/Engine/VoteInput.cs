using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>A signed prevote or precommit.</summary>
public sealed record VoteInput(Vote Vote) : ConsensusInput;
