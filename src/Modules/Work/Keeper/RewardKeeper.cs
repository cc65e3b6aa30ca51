using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Store;
using static Chain.Modules.Work.Events.WorkEvents;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// Work rewards. The mint puts work_reward_share of every block's coins in the work rewards account; the pool counts
/// what was minted (staking's cumulative minter.work_minted) and what it paid. In EndBlock of a block in which
/// seeded receipts passed their challenge, everything minted and unpaid is shared among those receipts in proportion
/// to their work units (floor; the remainder waits for the next payout), paid to their providers at once. Tenant-data
/// receipts earn none: the chain cannot check them, and a provider could lease from itself.
/// </summary>
public sealed class RewardKeeper(WorkRecords records, IBankKeeper bank, IWorkRewards staking)
{
    public void Verified(IStateStore store, Receipt receipt)
    {
        records.MarkVerified(store, receipt.LeaseId, receipt.Round);
        var pool = records.GetPool(store);
        pool.PendingUnits += receipt.WorkUnits;
        records.SetPool(store, pool);
    }

    public void EndBlock(MsgContext ctx)
    {
        var store = ctx.Store;
        var pool = records.GetPool(store);
        var minted = staking.WorkMinted(store);
        if (minted > pool.MintedSeen)
        {
            pool.Unpaid += minted - pool.MintedSeen;
            pool.MintedSeen = minted;
        }

        var verified = records.TakeVerified(store);
        if (verified.Count > 0 && pool.PendingUnits > 0)
        {
            var available = pool.Unpaid;
            ulong paid = 0;
            foreach (var (lease, round) in verified)
            {
                var receipt = records.GetReceipt(store, lease, round)!;
                var amount = (ulong)((UInt128)available * receipt.WorkUnits / pool.PendingUnits);
                receipt.Reward = amount;
                records.SaveReceipt(store, receipt);
                var provider = records.ProviderOrNew(store, Address.FromBech32(receipt.Provider));
                provider.Rewards += amount;
                records.SetProvider(store, provider);
                if (amount > 0)
                {
                    var sent = bank.Send(store, staking.WorkRewardAccount, Address.FromBech32(receipt.Provider), amount);
                    if (!sent.IsOk)
                    {
                        throw new InvalidOperationException($"work: the rewards account cannot pay {amount}uchn it was minted: {sent.Log}");
                    }
                }

                paid += amount;
                ctx.Events.Emit(Reward, ("provider", receipt.Provider), ("lease_id", N(lease)), ("round", N(round)), ("work_units", N(receipt.WorkUnits)),
                    ("amount", N(amount)), ("block_work_units", N(pool.PendingUnits)), ("pool", N(available)));
            }

            pool.Unpaid -= paid;
            pool.Paid += paid;
        }

        pool.PendingUnits = 0;
        records.SetPool(store, pool);
    }
}
