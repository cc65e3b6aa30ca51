using Chain.Crypto;
using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Work.Invariants;

/// <summary>
/// What must hold after every block: the bond account holds exactly the providers' bonds; the pool paid plus unpaid
/// is what it saw minted, which the mint did mint, and the unpaid part is in the rewards account (so rewards paid never
/// exceed rewards minted for work); each provider's active-lease and unresolved-receipt counts match the records.
/// </summary>
public static class WorkInvariants
{
    public static IReadOnlyList<string> Check(WorkKeeper keeper, IStateReader state)
    {
        var broken = new List<string>();
        var records = keeper.Records;
        var providers = records.AllProviders(state).ToList();
        var bonds = providers.Aggregate(UInt128.Zero, (sum, p) => sum + p.Bond);
        var held = keeper.Bank.GetBalance(state, WorkKeys.BondAccount, Coins.BaseDenom);
        if (bonds != held)
        {
            broken.Add($"work: providers' bonds sum to {bonds}uchn; the bond account holds {held}uchn");
        }

        var pool = records.GetPool(state);
        if ((UInt128)pool.Paid + pool.Unpaid != pool.MintedSeen)
        {
            broken.Add($"work: rewards paid {pool.Paid} + unpaid {pool.Unpaid} != minted for work {pool.MintedSeen}");
        }

        var minted = keeper.Staking.WorkMinted(state);
        if (pool.MintedSeen > minted)
        {
            broken.Add($"work: the pool counts {pool.MintedSeen}uchn minted for work; the mint made {minted}uchn");
        }

        var balance = keeper.Bank.GetBalance(state, keeper.Staking.WorkRewardAccount, Coins.BaseDenom);
        if (pool.Unpaid > balance)
        {
            broken.Add($"work: {pool.Unpaid}uchn of rewards are unpaid; the rewards account holds {balance}uchn");
        }

        var active = records.AllLeases(state).Where(l => l.Active).GroupBy(l => l.Provider).ToDictionary(g => g.Key, g => g.Count());
        var unresolved = records.AllReceipts(state).Where(Unresolved).GroupBy(r => r.Provider).ToDictionary(g => g.Key, g => g.Count());
        foreach (var p in providers)
        {
            if (p.ActiveLeases != active.GetValueOrDefault(p.Provider) || p.UnresolvedReceipts != unresolved.GetValueOrDefault(p.Provider))
            {
                broken.Add($"work: {p.Provider} counts {p.ActiveLeases} active leases and {p.UnresolvedReceipts} unresolved receipts; the records hold {active.GetValueOrDefault(p.Provider)} and {unresolved.GetValueOrDefault(p.Provider)}");
            }
        }

        foreach (var address in active.Keys.Concat(unresolved.Keys).Distinct())
        {
            if (records.GetProvider(state, Address.FromBech32(address)) is null)
            {
                broken.Add($"work: {address} has leases or receipts but no provider record");
            }
        }

        return broken;
    }

    public static bool Unresolved(Receipt r) => r.Status is not (ReceiptStatus.Verified or ReceiptStatus.Failed);
}
