using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>A signed proposal with its full block.</summary>
public sealed record ProposalInput(Proposal Proposal, Block Block) : ConsensusInput;
