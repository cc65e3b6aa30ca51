using Chain.Modules.Market.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;
using static Chain.Modules.Work.Events.WorkEvents;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// What happens when a provider fails (a wrong tile, no answer in time, a missed receipt, a dispute upheld): its bond
/// is slashed (<see cref="BondKeeper.Slash"/>), the receipt resolves as failed, the lease closes with reason
/// failed_work if it is still active, and the provider's record counts it.
/// </summary>
public sealed class FailureKeeper(WorkRecords records, BondKeeper bonds, MarketKeeper market)
{
    public const string WrongTile = "wrong_tile";
    public const string NoResponse = "no_response";
    public const string MissedReceipt = "missed_receipt";
    public const string Dispute = "dispute";

    /// <summary>A receipt failed.</summary>
    public void Fail(MsgContext ctx, Receipt receipt, string reason)
    {
        receipt.Failure = reason;
        var provider = records.Resolve(ctx.Store, receipt, ReceiptStatus.Failed, ctx.Block.Height);
        var lease = records.GetLease(ctx.Store, receipt.LeaseId)!;
        Punish(ctx, provider, lease, receipt.Round, reason);
    }

    /// <summary>The open round of a lease ended without a receipt.</summary>
    public void Missed(MsgContext ctx, LeaseWork lease)
    {
        var provider = records.ProviderOrNew(ctx.Store, Chain.Crypto.Address.FromBech32(lease.Provider));
        provider.MissedReceipts++;
        Punish(ctx, provider, lease, lease.Round, MissedReceipt);
    }

    private void Punish(MsgContext ctx, ProviderWork provider, LeaseWork lease, ulong round, string reason)
    {
        var (slashed, toTenant) = bonds.Slash(ctx, provider, lease.Tenant);
        provider.Failures++;
        provider.LastFailureHeight = ctx.Block.Height;
        records.SetProvider(ctx.Store, provider);
        ctx.Events.Emit(Failure, ("provider", provider.Provider), ("lease_id", N(lease.LeaseId)), ("round", N(round)), ("reason", reason),
            ("slashed", N(slashed)), ("to_tenant", N(toTenant)), ("to_stakers", N(slashed - toTenant)));

        // The market calls back AfterLeaseClosed, which marks the lease inactive and releases its share of the bond.
        market.Leases.CloseForFailedWork(ctx, lease.LeaseId);
    }
}
