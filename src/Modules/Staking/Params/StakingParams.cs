using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Params;

/// <summary>
/// Defaults and checks of the staking, distribution, slashing and mint params (the Cosmos SDK's defaults, docs/staking.md),
/// and the testnet profile that shortens the times.
/// </summary>
public static class StakingParams
{
    public const ulong Day = 24 * 60 * 60;

    public static Proto.Staking.Params Default() => new()
    {
        UnbondingTime = 21 * Day,
        MaxValidators = 100,
        MaxEntries = 7,
        MinCommissionRate = Dec.Zero.ToString(),
    };

    public static DistributionParams DefaultDistribution() => new() { CommunityTax = Dec.Parse("0.02").ToString() };

    public static SlashingParams DefaultSlashing() => new()
    {
        SignedBlocksWindow = 100,
        MinSignedPerWindow = Dec.Parse("0.5").ToString(),
        DowntimeJailDuration = 600,
        SlashFractionDoubleSign = Dec.Parse("0.05").ToString(),
        SlashFractionDowntime = Dec.Parse("0.01").ToString(),
        MaxEvidenceAgeBlocks = 100_000,
        MaxEvidenceAgeDuration = 2 * Day,
    };

    public static MintParams DefaultMint() => new()
    {
        InflationRateChange = Dec.Parse("0.13").ToString(),
        InflationMax = Dec.Parse("0.20").ToString(),
        InflationMin = Dec.Parse("0.07").ToString(),
        GoalBonded = Dec.Parse("0.67").ToString(),
        BlocksPerYear = 6_311_520,
        WorkRewardShare = Dec.Zero.ToString(),
    };

    public static Minter DefaultMinter() => new() { Inflation = Dec.Parse("0.13").ToString(), AnnualProvisions = Dec.Zero.ToString() };

    /// <summary>
    /// The testnet profile (`chaind testnet init`): unbonding in 2 minutes and 20 s in jail, so a walk-through sees every
    /// transition within minutes. The liveness window keeps its 100 blocks: four validators sharing two cores miss a
    /// good share of commits (a commit holds the +2/3 precommits that arrived in time), and a shorter window would jail
    /// healthy ones. Never for a real network.
    /// </summary>
    public static void ApplyTestnetProfile(Proto.Staking.GenesisState genesis)
    {
        genesis.Params.UnbondingTime = 120;
        genesis.Slashing.Params.DowntimeJailDuration = 20;
        genesis.Slashing.Params.MaxEvidenceAgeDuration = 600;
        genesis.Slashing.Params.MaxEvidenceAgeBlocks = 1_000;
    }

    /// <summary>Turns minting off (inflation 0, bounds 0): the supply stays what genesis funded, as tests of exact supply need.</summary>
    public static void DisableMinting(Proto.Staking.GenesisState genesis)
    {
        genesis.Mint.Params.InflationMin = "0";
        genesis.Mint.Params.InflationMax = "0";
        genesis.Mint.Minter.Inflation = "0";
    }

    public static ExecResult Validate(Proto.Staking.Params p, string path)
    {
        if (p.UnbondingTime == 0 || p.UnbondingTime > 10 * 365 * Day)
        {
            return Invalid($"{path}.unbonding_time is {p.UnbondingTime} s; expected 1 s to 10 years");
        }

        if (p.MaxValidators is 0 or > 10_000)
        {
            return Invalid($"{path}.max_validators is {p.MaxValidators}; expected 1 to 10000");
        }

        if (p.MaxEntries is 0 or > 100)
        {
            return Invalid($"{path}.max_entries is {p.MaxEntries}; expected 1 to 100");
        }

        return Fraction(p.MinCommissionRate, $"{path}.min_commission_rate");
    }

    public static ExecResult Validate(DistributionParams p, string path) => Fraction(p.CommunityTax, $"{path}.community_tax");

    public static ExecResult Validate(SlashingParams p, string path)
    {
        if (p.SignedBlocksWindow is 0 or > 1_000_000)
        {
            return Invalid($"{path}.signed_blocks_window is {p.SignedBlocksWindow}; expected 1 to 1000000");
        }

        if (p.DowntimeJailDuration == 0)
        {
            return Invalid($"{path}.downtime_jail_duration must be positive");
        }

        if (p.MaxEvidenceAgeBlocks == 0 || p.MaxEvidenceAgeDuration == 0)
        {
            return Invalid($"{path}.max_evidence_age_blocks and max_evidence_age_duration must be positive");
        }

        var r = Fraction(p.MinSignedPerWindow, $"{path}.min_signed_per_window");
        r = r.IsOk ? Fraction(p.SlashFractionDoubleSign, $"{path}.slash_fraction_double_sign") : r;
        return r.IsOk ? Fraction(p.SlashFractionDowntime, $"{path}.slash_fraction_downtime") : r;
    }

    public static ExecResult Validate(MintParams p, string path)
    {
        if (p.BlocksPerYear == 0)
        {
            return Invalid($"{path}.blocks_per_year must be positive");
        }

        foreach (var (value, name) in new[] { (p.InflationRateChange, "inflation_rate_change"), (p.InflationMax, "inflation_max"), (p.InflationMin, "inflation_min"), (p.GoalBonded, "goal_bonded"), (p.WorkRewardShare, "work_reward_share") })
        {
            var r = Fraction(value, $"{path}.{name}");
            if (!r.IsOk)
            {
                return r;
            }
        }

        if (Dec.Parse(p.GoalBonded).IsZero)
        {
            return Invalid($"{path}.goal_bonded must be positive");
        }

        return Dec.Parse(p.InflationMin) > Dec.Parse(p.InflationMax)
            ? Invalid($"{path}.inflation_min ({p.InflationMin}) is above inflation_max ({p.InflationMax})")
            : ExecResult.Ok;
    }

    /// <summary>A decimal in [0, 1].</summary>
    public static ExecResult Fraction(string text, string path)
    {
        if (!Dec.TryParse(text, out var d))
        {
            return Invalid($"{path} is '{text}', not a decimal with at most 18 places");
        }

        return d.IsNegative || d > Dec.One ? Invalid($"{path} is {text}; expected a value from 0 to 1") : ExecResult.Ok;
    }

    private static ExecResult Invalid(string log) => StakingErrors.Error(StakingErrors.InvalidParams, log);
}
