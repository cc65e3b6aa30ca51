using System.Globalization;

namespace Chain.Modules.Staking.Events;

/// <summary>
/// The event types staking emits, one per state change, each with the addresses and amounts (uchn) involved, so a
/// subscriber can follow validators, delegations and rewards without reading state.
/// </summary>
public static class StakingEvents
{
    public const string CreateValidator = "staking.create_validator";
    public const string EditValidator = "staking.edit_validator";
    public const string Delegate = "staking.delegate";
    public const string Unbond = "staking.unbond";
    public const string Redelegate = "staking.redelegate";
    public const string CancelUnbonding = "staking.cancel_unbonding";
    public const string CompleteUnbonding = "staking.complete_unbonding";
    public const string CompleteRedelegation = "staking.complete_redelegation";
    public const string ValidatorBonded = "staking.validator_bonded";
    public const string ValidatorUnbonding = "staking.validator_unbonding";
    public const string ValidatorUnbonded = "staking.validator_unbonded";
    public const string ValidatorRemoved = "staking.validator_removed";
    public const string PowerChanged = "staking.power_changed";
    public const string Slash = "staking.slash";
    public const string Jail = "staking.jail";
    public const string Unjail = "staking.unjail";
    public const string Liveness = "slashing.liveness";
    public const string DoubleSign = "slashing.double_sign";
    public const string EvidenceRefused = "slashing.evidence_refused";
    public const string RewardsAllocated = "distribution.rewards_allocated";

    /// <summary>Per validator and block: the exact commission and the delegators' share (decimals) it received.</summary>
    public const string ValidatorRewards = "distribution.validator_rewards";
    public const string WithdrawRewards = "distribution.withdraw_rewards";
    public const string WithdrawCommission = "distribution.withdraw_commission";
    public const string FundCommunityPool = "distribution.fund_community_pool";
    public const string Mint = "mint.mint";

    public static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
