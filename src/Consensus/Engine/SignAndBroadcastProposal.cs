using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>Sign this proposal through the double-sign guard, log it, broadcast it with its block,
/// and feed it back as a <see cref="ProposalInput"/>.</summary>
public sealed record SignAndBroadcastProposal(Proposal Proposal, Block Block) : ConsensusOutput;
