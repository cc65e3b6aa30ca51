using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Work.Events;
using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;
using static Chain.Modules.Work.Events.WorkEvents;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// Work bonds: a registered provider deposits into the bond account; it needs bond_per_lease for each active lease
/// plus the one it bids for; it may withdraw what its active leases and unresolved receipts do not hold; a failure
/// slashes up to bond_per_lease, split between the lease's tenant and the stakers.
/// </summary>
public sealed class BondKeeper(WorkRecords records, IBankKeeper bank, MarketKeeper market, byte[] stakersAccount)
{
    public ExecResult Deposit(MsgContext ctx, byte[] provider, ulong amount)
    {
        var store = ctx.Store;
        if (market.Records.GetProvider(store, provider) is null)
        {
            return WorkErrors.Error(WorkErrors.NotProvider, $"{Address.ToBech32(provider)} is not a provider; register with `chaind tx market create-provider` first");
        }

        var have = bank.GetBalance(store, provider, Coins.BaseDenom);
        if (have < amount)
        {
            return WorkErrors.Error(WorkErrors.InsufficientFunds, $"{Address.ToBech32(provider)} has {have}uchn; the deposit needs {amount}uchn");
        }

        var record = records.ProviderOrNew(store, provider);
        if (record.Bond > ulong.MaxValue - amount)
        {
            return WorkErrors.Error(WorkErrors.InvalidAmount, "the bond would overflow");
        }

        Must(bank.Send(store, provider, WorkKeys.BondAccount, amount));
        record.Bond += amount;
        records.SetProvider(store, record);
        ctx.Events.Emit(BondDeposited, ("provider", record.Provider), ("amount", N(amount)), ("bond", N(record.Bond)));
        return ExecResult.Ok;
    }

    public ExecResult Withdraw(MsgContext ctx, byte[] provider, ulong amount)
    {
        var store = ctx.Store;
        var record = records.GetProvider(store, provider);
        if (record is null || record.Bond == 0)
        {
            return WorkErrors.Error(WorkErrors.InvalidAmount, $"{Address.ToBech32(provider)} has no work bond");
        }

        var held = Held(record, records.GetParams(store).BondPerLease);
        var free = record.Bond > held ? record.Bond - held : 0;
        if (amount > free)
        {
            return WorkErrors.Error(WorkErrors.BondInUse,
                $"{record.Provider} can withdraw at most {free}uchn of its {record.Bond}uchn bond: {record.ActiveLeases} active leases and {record.UnresolvedReceipts} unresolved receipts hold {held}uchn");
        }

        Must(bank.Send(store, WorkKeys.BondAccount, provider, amount));
        record.Bond -= amount;
        records.SetProvider(store, record);
        ctx.Events.Emit(BondWithdrawn, ("provider", record.Provider), ("amount", N(amount)), ("bond", N(record.Bond)));
        return ExecResult.Ok;
    }

    /// <summary>What a provider's obligations hold of its bond: bond_per_lease for each active lease and each unresolved receipt.</summary>
    public static ulong Held(ProviderWork record, ulong bondPerLease) =>
        (ulong)UInt128.Min((UInt128)bondPerLease * ((ulong)record.ActiveLeases + record.UnresolvedReceipts), ulong.MaxValue);

    /// <summary>A bid needs bond_per_lease for each active lease and for the lease it may win.</summary>
    public ExecResult CheckCanBid(IStateReader state, byte[] provider)
    {
        var p = records.GetParams(state);
        var record = records.GetProvider(state, provider);
        var bond = record?.Bond ?? 0;
        var active = record?.ActiveLeases ?? 0;
        var need = (UInt128)p.BondPerLease * (active + 1UL);
        return bond >= need
            ? ExecResult.Ok
            : WorkErrors.Error(WorkErrors.BondTooLow,
                $"{Address.ToBech32(provider)} has a work bond of {bond}uchn; bidding with {active} active leases needs {need}uchn (bond_per_lease {p.BondPerLease}uchn per lease); deposit with `chaind tx work deposit-bond`");
    }

    /// <summary>Takes up to bond_per_lease from the provider's bond: the tenant's share to the tenant, the rest to the stakers. Returns (slashed, to tenant).</summary>
    public (ulong Slashed, ulong ToTenant) Slash(MsgContext ctx, ProviderWork record, string tenant)
    {
        var store = ctx.Store;
        var p = records.GetParams(store);
        var slashed = Math.Min(record.Bond, p.BondPerLease);
        var toTenant = Dec.FromInt(slashed).MulTruncate(Params.WorkParams.TenantShare(p)).TruncateU64();
        Must(bank.Send(store, WorkKeys.BondAccount, Address.FromBech32(tenant), toTenant));
        Must(bank.Send(store, WorkKeys.BondAccount, stakersAccount, slashed - toTenant));
        record.Bond -= slashed;
        record.Slashed += slashed;
        return (slashed, toTenant);
    }

    private static void Must(ExecResult r)
    {
        if (!r.IsOk)
        {
            throw new InvalidOperationException($"work: the bond account cannot move what it holds: {r.Log}");
        }
    }
}
