using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>+2/3 of the voting power precommitted <paramref name="Block"/>: store it with its
/// <paramref name="Commit"/>, execute it, then send <see cref="BlockAppliedInput"/>.</summary>
public sealed record CommitBlock(Block Block, Commit Commit) : ConsensusOutput;
