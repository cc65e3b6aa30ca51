using Chain.Proto.Types;

namespace Chain.Consensus.Blocks;

/// <summary>The application's verdict on a proposed block (valid(v) in the paper): header fields,
/// txs, evidence. Must be deterministic: every honest node reaches the same answer.</summary>
public interface IProposalValidator
{
    bool IsValid(Block block);
}
