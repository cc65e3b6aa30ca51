using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// What the work module may use of staking: where the work share of minted coins accumulates (mint param
/// work_reward_share), and where a slashed work bond goes to reach the stakers (the fee collector, distributed next block).
/// </summary>
public interface IWorkRewards
{
    /// <summary>The account the work share of each block's minted coins is minted to.</summary>
    byte[] WorkRewardAccount { get; }

    /// <summary>The account whose balance distribution pays to validators and delegators every block.</summary>
    byte[] StakersRewardAccount { get; }

    /// <summary>The current work_reward_share.</summary>
    Dec WorkRewardShare(IStateReader state);

    /// <summary>uchn minted to <see cref="WorkRewardAccount"/> since genesis.</summary>
    ulong WorkMinted(IStateReader state);

    /// <summary>The account of the validator with consensus address <paramref name="consensusAddress"/> (its operator's bytes), or null.</summary>
    byte[]? AccountOfConsensusAddress(IStateReader state, ReadOnlySpan<byte> consensusAddress);
}

/// <inheritdoc />
public sealed class WorkRewards(StakingRecords records) : IWorkRewards
{
    public byte[] WorkRewardAccount => StakingAccounts.WorkRewards;

    public byte[] StakersRewardAccount => StakingAccounts.FeeCollector;

    public Dec WorkRewardShare(IStateReader state) => Dec.Parse(records.GetMintParams(state).WorkRewardShare);

    public ulong WorkMinted(IStateReader state) => records.GetMinter(state).WorkMinted;

    public byte[]? AccountOfConsensusAddress(IStateReader state, ReadOnlySpan<byte> consensusAddress) => records.OperatorByCons(state, consensusAddress);
}
