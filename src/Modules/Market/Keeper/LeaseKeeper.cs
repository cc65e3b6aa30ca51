using Chain.Crypto;
using Chain.Modules.Market.Events;
using Chain.Proto.Market;
using Chain.State.Modules;
using static Chain.Modules.Market.Events.MarketEvents;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// Leases: one forms when the tenant accepts a bid or when the order's bidding window closes; while it is active its
/// escrow pays the provider the bid's price per block, the provider withdraws what is paid, and closing it settles,
/// pays out and refunds. Lease: active → insufficient_funds | closed.
/// </summary>
public sealed class LeaseKeeper(MarketRecords records, EscrowKeeper escrows, BidKeeper bids, IReadOnlyList<IMarketHooks> hooks)
{
    public ExecResult CreateLease(MsgContext ctx, byte[] tenant, ulong bidId)
    {
        var store = ctx.Store;
        var bid = records.GetBid(store, bidId);
        if (bid is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownBid, $"bid {bidId} does not exist");
        }

        var order = records.GetOrder(store, bid.OrderId)!;
        if (order.Owner != Address.ToBech32(tenant))
        {
            return MarketErrors.Error(MarketErrors.NotTenant, $"only the tenant {order.Owner} of order {order.Id} can accept its bids");
        }

        if (order.State != OrderState.Open)
        {
            return MarketErrors.Error(MarketErrors.OrderNotOpen, $"order {order.Id} is {order.State}; a lease forms only from an open order");
        }

        if (bid.State != BidState.Open)
        {
            return MarketErrors.Error(MarketErrors.BidNotOpen, $"bid {bidId} is {bid.State}, not open");
        }

        FormLease(ctx, order, bid, "tenant");
        return ExecResult.Ok;
    }

    /// <summary>The winning bid becomes active, every other open bid of the order is lost (deposit refunded), and the escrow starts paying.</summary>
    internal void FormLease(MsgContext ctx, Order order, Bid winner, string matchedBy)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        foreach (var id in records.OpenBidIdsOfOrder(store, order.Id))
        {
            if (id != winner.Id)
            {
                bids.EndBid(ctx, records.GetBid(store, id)!, BidState.Lost, MarketEvents.BidLost);
            }
        }

        winner.State = BidState.Active;
        records.SaveBid(store, winner, BidState.Open);
        order.State = OrderState.Active;
        order.WinningBidId = winner.Id;
        records.SaveOrder(store, order, OrderState.Open);

        var escrow = records.GetEscrow(store, order.Id)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        escrow.Provider = winner.Provider;
        escrow.Rate = winner.PricePerBlock;
        escrow.SettledHeight = height;
        records.SaveEscrow(store, escrow, runOut);

        var lease = new Lease
        {
            Id = order.Id,
            OrderId = order.Id,
            BidId = winner.Id,
            Tenant = order.Owner,
            Provider = winner.Provider,
            PricePerBlock = winner.PricePerBlock,
            CreatedHeight = height,
            State = LeaseState.Active,
        };
        records.SaveLease(store, lease, null);
        MarketEvents.Emit(ctx.Events, MarketEvents.LeaseCreated,
            ("lease_id", N(lease.Id)), ("order_id", N(order.Id)), ("bid_id", N(winner.Id)), ("tenant", lease.Tenant),
            ("provider", lease.Provider), ("price_per_block", N(lease.PricePerBlock)), ("matched_by", matchedBy),
            ("funds_run_out_height", N(MarketRecords.FundsRunOutHeight(escrow) ?? 0)));
        foreach (var hook in hooks)
        {
            hook.AfterLeaseCreated(ctx, lease, order);
        }
    }

    public ExecResult CloseLease(MsgContext ctx, byte[] signer, ulong leaseId)
    {
        var lease = records.GetLease(ctx.Store, leaseId);
        if (lease is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownLease, $"lease {leaseId} does not exist");
        }

        var who = Address.ToBech32(signer);
        LeaseCloseReason reason;
        if (who == lease.Tenant)
        {
            reason = LeaseCloseReason.Tenant;
        }
        else if (who == lease.Provider)
        {
            reason = LeaseCloseReason.Provider;
        }
        else
        {
            return MarketErrors.Error(MarketErrors.NotLeaseParty, $"only the tenant {lease.Tenant} or the provider {lease.Provider} can close lease {leaseId}");
        }

        if (lease.State != LeaseState.Active)
        {
            return MarketErrors.Error(MarketErrors.LeaseNotActive, $"lease {leaseId} is {lease.State}, not active");
        }

        EndLease(ctx, lease, reason);
        return ExecResult.Ok;
    }

    /// <summary>Settles up to this block, pays the provider, refunds the rest, and closes lease, bid, order and escrow.</summary>
    internal void EndLease(MsgContext ctx, Lease lease, LeaseCloseReason reason)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        var p = records.GetParams(store);
        var escrow = records.GetEscrow(store, lease.Id)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        escrows.Settle(store, escrow, height, p.TakeRateBps, ctx.Events);
        escrows.Close(store, escrow, ctx.Events);
        records.SaveEscrow(store, escrow, runOut);

        var bid = records.GetBid(store, lease.BidId)!;
        bids.EndBid(ctx, bid, BidState.Closed, MarketEvents.BidClosed);

        var order = records.GetOrder(store, lease.OrderId)!;
        order.State = OrderState.Closed;
        records.SaveOrder(store, order, OrderState.Active);
        MarketEvents.Emit(ctx.Events, MarketEvents.OrderClosed, ("order_id", N(order.Id)), ("owner", order.Owner), ("reason", "lease_closed"));

        lease.State = reason == LeaseCloseReason.InsufficientFunds ? LeaseState.InsufficientFunds : LeaseState.Closed;
        lease.CloseReason = reason;
        lease.ClosedHeight = height;
        records.SaveLease(store, lease, LeaseState.Active);
        MarketEvents.Emit(ctx.Events, MarketEvents.LeaseClosed,
            ("lease_id", N(lease.Id)), ("tenant", lease.Tenant), ("provider", lease.Provider), ("reason", ReasonName(reason)),
            ("paid_out", N(escrow.PaidOut)), ("refunded", N(escrow.Refunded)));
        foreach (var hook in hooks)
        {
            hook.AfterLeaseClosed(ctx, lease);
        }
    }

    /// <summary>Closes an active lease with reason failed_work (the work module, when its provider fails a receipt); false when it is not active.</summary>
    public bool CloseForFailedWork(MsgContext ctx, ulong leaseId)
    {
        var lease = records.GetLease(ctx.Store, leaseId);
        if (lease is null || lease.State != LeaseState.Active)
        {
            return false;
        }

        EndLease(ctx, lease, LeaseCloseReason.FailedWork);
        return true;
    }

    public static string ReasonName(LeaseCloseReason reason) => reason switch
    {
        LeaseCloseReason.Tenant => "tenant",
        LeaseCloseReason.Provider => "provider",
        LeaseCloseReason.InsufficientFunds => "insufficient_funds",
        LeaseCloseReason.FailedWork => "failed_work",
        _ => "unspecified",
    };

    public ExecResult WithdrawLease(MsgContext ctx, byte[] provider, ulong leaseId)
    {
        var store = ctx.Store;
        var lease = records.GetLease(store, leaseId);
        if (lease is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownLease, $"lease {leaseId} does not exist");
        }

        if (lease.Provider != Address.ToBech32(provider))
        {
            return MarketErrors.Error(MarketErrors.NotProvider, $"only the lease's provider {lease.Provider} can withdraw from lease {leaseId}");
        }

        if (lease.State != LeaseState.Active)
        {
            return MarketErrors.Error(MarketErrors.LeaseNotActive, $"lease {leaseId} is {lease.State}; its earnings were paid out when it closed");
        }

        var escrow = records.GetEscrow(store, leaseId)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        escrows.Settle(store, escrow, ctx.Block.Height, records.GetParams(store).TakeRateBps, ctx.Events);
        var amount = escrows.PayOut(store, escrow);
        records.SaveEscrow(store, escrow, runOut);
        MarketEvents.Emit(ctx.Events, MarketEvents.EscrowWithdrawn,
            ("escrow_id", N(leaseId)), ("provider", lease.Provider), ("amount", N(amount)), ("balance", N(escrow.Balance)));
        return ExecResult.Ok;
    }
}
