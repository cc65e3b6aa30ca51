using Chain.Consensus.Validators;

namespace Chain.Consensus.Evidence;

/// <summary>The validator set that signed at a past height (from the node's state store).</summary>
public interface IValidatorSetHistory
{
    ConsensusValidatorSet? ValidatorsAt(ulong height);
}
