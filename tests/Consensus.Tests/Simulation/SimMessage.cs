using Chain.Proto.Types;

namespace Chain.Consensus.Tests.Simulation;

public abstract record SimMessage;

public sealed record ProposalMessageSim(Proposal Proposal, Block Block) : SimMessage;

public sealed record VoteMessageSim(Vote Vote) : SimMessage;

/// <summary>Gossip: "I am here; this is what I hold of my round" (CometBFT's NewRoundStep + VoteSetBits).</summary>
public sealed record StatusMessageSim(int From, ulong Height, uint Round, bool HasProposal, bool[] Prevotes, bool[] Precommits, int PolRound, bool[]? PolPrevotes) : SimMessage;
