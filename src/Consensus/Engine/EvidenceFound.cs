using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>A validator signed two different votes for the same height, round and type.</summary>
public sealed record EvidenceFound(DuplicateVoteEvidence Evidence) : ConsensusOutput;
