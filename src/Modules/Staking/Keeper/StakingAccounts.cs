using Chain.Crypto;

namespace Chain.Modules.Staking.Keeper;

/// <summary>The module accounts staking moves coins through: no key signs for them, only the module moves their funds.</summary>
public static class StakingAccounts
{
    /// <summary>Holds the tokens of bonded validators.</summary>
    public static readonly byte[] BondedPool = Address.FromPublicKey("module/bonded_pool"u8);

    /// <summary>Holds the tokens of unbonding and unbonded validators and of unbonding delegations.</summary>
    public static readonly byte[] NotBondedPool = Address.FromPublicKey("module/not_bonded_pool"u8);

    /// <summary>Holds rewards allocated but not withdrawn (outstanding rewards and the community pool).</summary>
    public static readonly byte[] Distribution = Address.FromPublicKey("module/distribution"u8);

    /// <summary>
    /// Receives the work share of minted coins (mint param work_reward_share) for the work module to pay providers.
    /// </summary>
    public static readonly byte[] WorkRewards = Address.FromPublicKey("module/work_rewards"u8);

    /// <summary>Fees, the market's take and slashed work bonds land here; distribution allocates it every block.</summary>
    public static readonly byte[] FeeCollector = Address.FromPublicKey("module/fee_collector"u8);
}
