using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>
/// Where an engine starts: the first height not yet committed, its validator set (priorities as of
/// round 0), the next height's set, and the commit of the previous height (null at height 1).
/// The node rebuilds it from its block store on restart; the WAL then replays the rest.
/// </summary>
public sealed record HeightStart(ulong Height, ConsensusValidatorSet Validators, ConsensusValidatorSet NextValidators, Commit? LastCommit)
{
    /// <summary>Height 1 from a genesis set: the next set is the same validators one priority step later.</summary>
    public static HeightStart FromGenesis(ConsensusValidatorSet genesis) =>
        new(1, genesis, genesis.IncrementProposerPriority(1), null);

    /// <summary>
    /// Where the next height starts once this one is decided with <paramref name="commit"/> and the application
    /// returned <paramref name="updates"/>: this height's next set becomes current, and the updates shape the set
    /// after it (so they take effect at Height + 2). The engine and the node's store use this one rule.
    /// </summary>
    public HeightStart Next(Commit commit, IReadOnlyList<ValidatorUpdate> updates)
    {
        ConsensusValidatorSet after = updates.Count > 0 ? NextValidators.WithUpdates(updates) : NextValidators;
        return new HeightStart(Height + 1, NextValidators, after.IncrementProposerPriority(1), commit);
    }
}
