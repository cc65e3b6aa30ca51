using Chain.Proto.Types;

namespace Chain.Consensus.Blocks;

/// <summary>The application's verdict on a proposed block (valid(v) in the paper): header fields,
/// txs, evidence. <see cref="IsValid"/> must be deterministic: every honest node reaches the same answer.</summary>
public interface IProposalValidator
{
    bool IsValid(Block block);

    /// <summary>
    /// Whether the block's time is not further ahead of this validator's clock than the allowed drift: the one
    /// clock-dependent check, asked only before prevoting a fresh proposal (one without a proof-of-lock round), as
    /// CometBFT's proposer-based timestamps ask "timely". Never asked before committing a block that +2/3 decided,
    /// so a validator with a slow clock still follows the chain.
    /// </summary>
    bool IsTimely(Block block);
}
