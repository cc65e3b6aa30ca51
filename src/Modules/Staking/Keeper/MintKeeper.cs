using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// x/mint: each block inflation moves toward the bonded-ratio goal, `inflation += (1 - bonded/goal) x rate_change /
/// blocks_per_year` clamped to [min, max]; annual provisions are inflation x supply and one block's share is minted.
/// work_reward_share of it goes to the work rewards account (paid to providers by the work module), the rest to the
/// fee collector, where distribution splits it among validators and delegators with the fees.
/// </summary>
public sealed class MintKeeper(StakingRecords records, IBankKeeper bank)
{
    public ulong BeginBlock(MsgContext ctx)
    {
        var store = ctx.Store;
        var p = records.GetMintParams(store);
        var minter = records.GetMinter(store);
        var supply = bank.GetSupply(store, Coins.BaseDenom);
        if (supply == 0)
        {
            return 0;
        }

        var bonded = bank.GetBalance(store, StakingAccounts.BondedPool, Coins.BaseDenom);
        var bondedRatio = Dec.FromInt(bonded).QuoInt(supply);
        var inflation = NextInflation(p, Dec.Parse(minter.Inflation), bondedRatio);
        var provisions = inflation.MulInt(supply);
        minter.Inflation = inflation.ToString();
        minter.AnnualProvisions = provisions.ToString();
        var minted = provisions.QuoInt(p.BlocksPerYear).TruncateInt();
        if (minted.IsZero || minted > ulong.MaxValue - supply)
        {
            records.SetMinter(store, minter);
            return 0;
        }

        var amount = (ulong)minted;
        var work = Dec.FromInt(amount).MulTruncate(Dec.Parse(p.WorkRewardShare)).TruncateU64();
        StakingKeeper.Must(bank.Mint(store, StakingAccounts.FeeCollector, amount - work));
        if (work > 0)
        {
            StakingKeeper.Must(bank.Mint(store, StakingAccounts.WorkRewards, work));
            minter.WorkMinted += work;
        }

        records.SetMinter(store, minter);

        ctx.Events.Emit(StakingEvents.Mint, ("amount", StakingEvents.N(amount)), ("work_share", StakingEvents.N(work)), ("inflation", minter.Inflation),
            ("bonded_ratio", bondedRatio.ToString()));
        return amount;
    }

    public static Dec NextInflation(MintParams p, Dec inflation, Dec bondedRatio)
    {
        var perYear = (Dec.One - bondedRatio.Quo(Dec.Parse(p.GoalBonded))).Mul(Dec.Parse(p.InflationRateChange));
        var change = perYear.Quo(Dec.FromInt(p.BlocksPerYear));
        var next = inflation + change;
        var max = Dec.Parse(p.InflationMax);
        var min = Dec.Parse(p.InflationMin);
        return next > max ? max : next < min ? min : next;
    }
}
