using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Blocks;

/// <summary>What the proposer knows when it builds a block: where, by whom, and the commit of the
/// previous height (the new block's last_commit; null at the first height).</summary>
public sealed record BlockRequest(
    ulong Height,
    uint Round,
    byte[] ProposerAddress,
    Commit? LastCommit,
    ConsensusValidatorSet Validators,
    ConsensusValidatorSet NextValidators);
