using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market.Events;
using Chain.Modules.Market.Matching;
using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// The market's state machine. Each operation checks everything it needs before it writes, so a refused
/// message changes nothing, and emits an event for every record whose state it changes.
/// Order: open → active | closed; active → closed. Bid: open → active | lost | closed; active → closed.
/// Lease: active → insufficient_funds | closed. Escrow: open → closed.
/// </summary>
public sealed class MarketKeeper
{
    private readonly IBankKeeper _bank;

    public MarketKeeper(IBankKeeper bank)
    {
        _bank = bank;
        Records = new MarketRecords();
        Escrow = new EscrowKeeper(bank);
    }

    public MarketRecords Records { get; }

    public EscrowKeeper Escrow { get; }

    public IBankKeeper Bank => _bank;

    private static string N(ulong v) => MarketEvents.N(v);

    private ExecResult CanPay(IStateStore store, byte[] payer, ulong amount, string what)
    {
        var have = _bank.GetBalance(store, payer, Coins.BaseDenom);
        return have >= amount
            ? ExecResult.Ok
            : MarketErrors.Error(MarketErrors.InsufficientFunds, $"{Address.ToBech32(payer)} has {have}uchn, {what} needs {amount}uchn");
    }

    // Providers

    public ExecResult CreateProvider(MsgContext ctx, byte[] owner, string hostUri, string region, IEnumerable<string> attributes)
    {
        var store = ctx.Store;
        var ownerText = Address.ToBech32(owner);
        if (Records.GetProvider(store, owner) is not null)
        {
            return MarketErrors.Error(MarketErrors.ProviderExists, $"{ownerText} is already a provider; use update-provider");
        }

        var bond = Records.GetParams(store).ProviderBond;
        var funds = CanPay(store, owner, bond, "the provider bond");
        if (!funds.IsOk)
        {
            return funds;
        }

        Escrow.Move(store, owner, MarketAccounts.Escrow, bond);
        var provider = new Provider { Owner = ownerText, HostUri = hostUri, Region = region, Bond = bond, CreatedHeight = ctx.Block.Height };
        provider.Attributes.AddRange(attributes);
        Records.SetProvider(store, owner, provider);
        MarketEvents.Emit(ctx.Events, MarketEvents.ProviderCreated, ("provider", ownerText), ("bond", N(bond)), ("region", region));
        return ExecResult.Ok;
    }

    public ExecResult UpdateProvider(MsgContext ctx, byte[] owner, string hostUri, string region, IEnumerable<string> attributes)
    {
        var provider = Records.GetProvider(ctx.Store, owner);
        if (provider is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownProvider, $"{Address.ToBech32(owner)} is not a provider");
        }

        provider.HostUri = hostUri;
        provider.Region = region;
        provider.Attributes.Clear();
        provider.Attributes.AddRange(attributes);
        Records.SetProvider(ctx.Store, owner, provider);
        MarketEvents.Emit(ctx.Events, MarketEvents.ProviderUpdated, ("provider", provider.Owner), ("region", region));
        return ExecResult.Ok;
    }

    public ExecResult DeleteProvider(MsgContext ctx, byte[] owner)
    {
        var store = ctx.Store;
        var provider = Records.GetProvider(store, owner);
        if (provider is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownProvider, $"{Address.ToBech32(owner)} is not a provider");
        }

        foreach (var id in Records.BidIdsOfProvider(store, owner))
        {
            var bid = Records.GetBid(store, id)!;
            if (bid.State is BidState.Open or BidState.Active)
            {
                return MarketErrors.Error(MarketErrors.ProviderBusy,
                    $"provider {provider.Owner} still has bid {id} ({bid.State}); close its bids and leases first");
            }
        }

        Escrow.Move(store, MarketAccounts.Escrow, owner, provider.Bond);
        Records.DeleteProvider(store, owner);
        MarketEvents.Emit(ctx.Events, MarketEvents.ProviderDeleted, ("provider", provider.Owner), ("bond_returned", N(provider.Bond)));
        return ExecResult.Ok;
    }

    // Orders

    public ExecResult CreateOrder(MsgContext ctx, byte[] owner, Resources resources, ulong maxPrice, ulong window, ulong deposit)
    {
        var store = ctx.Store;
        var p = Records.GetParams(store);
        if (window < p.MinBiddingWindow || window > p.MaxBiddingWindow)
        {
            return MarketErrors.Error(MarketErrors.BiddingWindowOutOfRange,
                $"bidding_window_blocks is {window}, must be {p.MinBiddingWindow} to {p.MaxBiddingWindow}");
        }

        if (deposit < p.MinOrderDeposit)
        {
            return MarketErrors.Error(MarketErrors.DepositBelowMinimum, $"deposit {deposit}uchn is below the minimum {p.MinOrderDeposit}uchn");
        }

        var funds = CanPay(store, owner, deposit, "the order deposit");
        if (!funds.IsOk)
        {
            return funds;
        }

        var height = ctx.Block.Height;
        var ownerText = Address.ToBech32(owner);
        var id = Records.NextId(store, MarketKeys.NextOrderId);
        var order = new Order
        {
            Id = id,
            Owner = ownerText,
            Resources = resources,
            MaxPricePerBlock = maxPrice,
            CreatedHeight = height,
            BiddingClosesHeight = height + window,
            State = OrderState.Open,
        };
        var escrow = new EscrowAccount { Id = id, Owner = ownerText, SettledHeight = height, State = EscrowState.Open };
        var r = Escrow.Deposit(store, escrow, owner, deposit);
        if (!r.IsOk)
        {
            return r;
        }

        Records.SaveOrder(store, order, null);
        Records.SaveEscrow(store, escrow, null);
        MarketEvents.Emit(ctx.Events, MarketEvents.OrderCreated,
            ("order_id", N(id)), ("owner", ownerText), ("gpu_count", N(resources.GpuCount)), ("gpu_model", resources.GpuModel),
            ("max_price_per_block", N(maxPrice)), ("bidding_closes_height", N(order.BiddingClosesHeight)));
        MarketEvents.Emit(ctx.Events, MarketEvents.EscrowDeposited, ("escrow_id", N(id)), ("depositor", ownerText), ("amount", N(deposit)));
        return ExecResult.Ok;
    }

    public ExecResult CloseOrder(MsgContext ctx, byte[] owner, ulong orderId)
    {
        var store = ctx.Store;
        var order = Records.GetOrder(store, orderId);
        if (order is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownOrder, $"order {orderId} does not exist");
        }

        if (order.Owner != Address.ToBech32(owner))
        {
            return MarketErrors.Error(MarketErrors.NotTenant, $"only the order's owner {order.Owner} can close order {orderId}");
        }

        if (order.State != OrderState.Open)
        {
            return MarketErrors.Error(MarketErrors.OrderNotOpen, $"order {orderId} is {order.State}, not open; close its lease instead");
        }

        CloseOpenOrder(ctx, order, "owner");
        return ExecResult.Ok;
    }

    /// <summary>Closes an open order: every open bid closes with its deposit refunded, and the escrow is refunded.</summary>
    private void CloseOpenOrder(MsgContext ctx, Order order, string reason)
    {
        var store = ctx.Store;
        foreach (var bidId in Records.BidIdsOfOrder(store, order.Id))
        {
            var bid = Records.GetBid(store, bidId)!;
            if (bid.State == BidState.Open)
            {
                EndBid(ctx, bid, BidState.Closed, MarketEvents.BidClosed);
            }
        }

        var escrow = Records.GetEscrow(store, order.Id)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        Escrow.Close(store, escrow, ctx.Events);
        Records.SaveEscrow(store, escrow, runOut);
        order.State = OrderState.Closed;
        Records.SaveOrder(store, order, OrderState.Open);
        MarketEvents.Emit(ctx.Events, MarketEvents.OrderClosed, ("order_id", N(order.Id)), ("owner", order.Owner), ("reason", reason));
    }

    /// <summary>Ends a bid that holds a deposit (open or active): refunds the deposit and moves it to <paramref name="to"/>.</summary>
    private void EndBid(MsgContext ctx, Bid bid, BidState to, string eventType)
    {
        var before = bid.State;
        Escrow.Move(ctx.Store, MarketAccounts.Escrow, Address.FromBech32(bid.Provider), bid.Deposit);
        bid.State = to;
        Records.SaveBid(ctx.Store, bid, before);
        MarketEvents.Emit(ctx.Events, eventType,
            ("bid_id", N(bid.Id)), ("order_id", N(bid.OrderId)), ("provider", bid.Provider), ("deposit_refunded", N(bid.Deposit)));
    }

    // Bids

    public ExecResult CreateBid(MsgContext ctx, byte[] providerAddress, ulong orderId, ulong price)
    {
        var store = ctx.Store;
        var providerText = Address.ToBech32(providerAddress);
        var order = Records.GetOrder(store, orderId);
        if (order is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownOrder, $"order {orderId} does not exist");
        }

        if (order.State != OrderState.Open)
        {
            return MarketErrors.Error(MarketErrors.OrderNotOpen, $"order {orderId} is {order.State}; bids are taken only while it is open");
        }

        var provider = Records.GetProvider(store, providerAddress);
        if (provider is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownProvider, $"{providerText} is not a provider; register with create-provider first");
        }

        if (price > order.MaxPricePerBlock)
        {
            return MarketErrors.Error(MarketErrors.PriceAboveOrder,
                $"price {price}uchn per block is above order {orderId}'s maximum {order.MaxPricePerBlock}uchn");
        }

        if (!ResourceMatcher.Satisfies(provider, order.Resources, out var unmet))
        {
            return MarketErrors.Error(MarketErrors.AttributesUnmet, $"provider {providerText} does not satisfy order {orderId}: {unmet}");
        }

        var p = Records.GetParams(store);
        var bidIds = Records.BidIdsOfOrder(store, orderId);
        foreach (var id in bidIds)
        {
            var other = Records.GetBid(store, id)!;
            if (other.Provider == providerText && other.State == BidState.Open)
            {
                return MarketErrors.Error(MarketErrors.DuplicateBid, $"provider {providerText} already has open bid {id} on order {orderId}; close it to bid again");
            }
        }

        if (bidIds.Count >= p.OrderMaxBids)
        {
            return MarketErrors.Error(MarketErrors.TooManyBids, $"order {orderId} already has {bidIds.Count} bids, the maximum (order_max_bids)");
        }

        var funds = CanPay(store, providerAddress, p.BidDeposit, "the bid deposit");
        if (!funds.IsOk)
        {
            return funds;
        }

        Escrow.Move(store, providerAddress, MarketAccounts.Escrow, p.BidDeposit);
        var bid = new Bid
        {
            Id = Records.NextId(store, MarketKeys.NextBidId),
            OrderId = orderId,
            Provider = providerText,
            PricePerBlock = price,
            Deposit = p.BidDeposit,
            CreatedHeight = ctx.Block.Height,
            State = BidState.Open,
        };
        Records.SaveBid(store, bid, null);
        MarketEvents.Emit(ctx.Events, MarketEvents.BidCreated,
            ("bid_id", N(bid.Id)), ("order_id", N(orderId)), ("provider", providerText), ("price_per_block", N(price)), ("deposit", N(bid.Deposit)));
        return ExecResult.Ok;
    }

    public ExecResult CloseBid(MsgContext ctx, byte[] provider, ulong bidId)
    {
        var bid = Records.GetBid(ctx.Store, bidId);
        if (bid is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownBid, $"bid {bidId} does not exist");
        }

        if (bid.Provider != Address.ToBech32(provider))
        {
            return MarketErrors.Error(MarketErrors.NotProvider, $"only the bid's provider {bid.Provider} can close bid {bidId}");
        }

        if (bid.State != BidState.Open)
        {
            return MarketErrors.Error(MarketErrors.BidNotOpen, $"bid {bidId} is {bid.State}, not open" + (bid.State == BidState.Active ? "; close its lease instead" : string.Empty));
        }

        EndBid(ctx, bid, BidState.Closed, MarketEvents.BidClosed);
        return ExecResult.Ok;
    }

    // Leases

    public ExecResult CreateLease(MsgContext ctx, byte[] tenant, ulong bidId)
    {
        var store = ctx.Store;
        var bid = Records.GetBid(store, bidId);
        if (bid is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownBid, $"bid {bidId} does not exist");
        }

        var order = Records.GetOrder(store, bid.OrderId)!;
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
    private void FormLease(MsgContext ctx, Order order, Bid winner, string matchedBy)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        foreach (var id in Records.BidIdsOfOrder(store, order.Id))
        {
            if (id == winner.Id)
            {
                continue;
            }

            var bid = Records.GetBid(store, id)!;
            if (bid.State == BidState.Open)
            {
                EndBid(ctx, bid, BidState.Lost, MarketEvents.BidLost);
            }
        }

        winner.State = BidState.Active;
        Records.SaveBid(store, winner, BidState.Open);
        order.State = OrderState.Active;
        order.WinningBidId = winner.Id;
        Records.SaveOrder(store, order, OrderState.Open);

        var escrow = Records.GetEscrow(store, order.Id)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        escrow.Provider = winner.Provider;
        escrow.Rate = winner.PricePerBlock;
        escrow.SettledHeight = height;
        Records.SaveEscrow(store, escrow, runOut);

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
        Records.SaveLease(store, lease, null);
        MarketEvents.Emit(ctx.Events, MarketEvents.LeaseCreated,
            ("lease_id", N(lease.Id)), ("order_id", N(order.Id)), ("bid_id", N(winner.Id)), ("tenant", lease.Tenant),
            ("provider", lease.Provider), ("price_per_block", N(lease.PricePerBlock)), ("matched_by", matchedBy),
            ("funds_run_out_height", N(MarketRecords.FundsRunOutHeight(escrow) ?? 0)));
    }

    public ExecResult CloseLease(MsgContext ctx, byte[] signer, ulong leaseId)
    {
        var lease = Records.GetLease(ctx.Store, leaseId);
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
    private void EndLease(MsgContext ctx, Lease lease, LeaseCloseReason reason)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        var p = Records.GetParams(store);
        var escrow = Records.GetEscrow(store, lease.Id)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        Escrow.Settle(store, escrow, height, p.TakeRateBps, ctx.Events);
        Escrow.Close(store, escrow, ctx.Events);
        Records.SaveEscrow(store, escrow, runOut);

        var bid = Records.GetBid(store, lease.BidId)!;
        EndBid(ctx, bid, BidState.Closed, MarketEvents.BidClosed);

        var order = Records.GetOrder(store, lease.OrderId)!;
        order.State = OrderState.Closed;
        Records.SaveOrder(store, order, OrderState.Active);
        MarketEvents.Emit(ctx.Events, MarketEvents.OrderClosed, ("order_id", N(order.Id)), ("owner", order.Owner), ("reason", "lease_closed"));

        lease.State = reason == LeaseCloseReason.InsufficientFunds ? LeaseState.InsufficientFunds : LeaseState.Closed;
        lease.CloseReason = reason;
        lease.ClosedHeight = height;
        Records.SaveLease(store, lease, LeaseState.Active);
        MarketEvents.Emit(ctx.Events, MarketEvents.LeaseClosed,
            ("lease_id", N(lease.Id)), ("tenant", lease.Tenant), ("provider", lease.Provider), ("reason", ReasonName(reason)),
            ("paid_out", N(escrow.PaidOut)), ("refunded", N(escrow.Refunded)));
    }

    public static string ReasonName(LeaseCloseReason reason) => reason switch
    {
        LeaseCloseReason.Tenant => "tenant",
        LeaseCloseReason.Provider => "provider",
        LeaseCloseReason.InsufficientFunds => "insufficient_funds",
        LeaseCloseReason.FailedWork => "failed_work",
        _ => "unspecified",
    };

    // Escrow

    public ExecResult Deposit(MsgContext ctx, byte[] tenant, ulong escrowId, ulong amount)
    {
        var store = ctx.Store;
        var escrow = Records.GetEscrow(store, escrowId);
        if (escrow is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownEscrowAccount, $"escrow account {escrowId} does not exist");
        }

        var who = Address.ToBech32(tenant);
        if (escrow.Owner != who)
        {
            return MarketErrors.Error(MarketErrors.NotTenant, $"only the tenant {escrow.Owner} can deposit into escrow account {escrowId}");
        }

        if (escrow.State != EscrowState.Open)
        {
            return MarketErrors.Error(MarketErrors.EscrowClosed, $"escrow account {escrowId} is closed");
        }

        var funds = CanPay(store, tenant, amount, "the deposit");
        if (!funds.IsOk)
        {
            return funds;
        }

        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        Escrow.Settle(store, escrow, ctx.Block.Height, Records.GetParams(store).TakeRateBps, ctx.Events);
        var r = Escrow.Deposit(store, escrow, tenant, amount);
        if (!r.IsOk)
        {
            return r;
        }

        Records.SaveEscrow(store, escrow, runOut);
        MarketEvents.Emit(ctx.Events, MarketEvents.EscrowDeposited,
            ("escrow_id", N(escrowId)), ("depositor", who), ("amount", N(amount)), ("balance", N(escrow.Balance)),
            ("funds_run_out_height", N(MarketRecords.FundsRunOutHeight(escrow) ?? 0)));
        return ExecResult.Ok;
    }

    public ExecResult Withdraw(MsgContext ctx, byte[] provider, ulong leaseId)
    {
        var store = ctx.Store;
        var lease = Records.GetLease(store, leaseId);
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

        var escrow = Records.GetEscrow(store, leaseId)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        Escrow.Settle(store, escrow, ctx.Block.Height, Records.GetParams(store).TakeRateBps, ctx.Events);
        var amount = Escrow.PayOut(store, escrow);
        Records.SaveEscrow(store, escrow, runOut);
        MarketEvents.Emit(ctx.Events, MarketEvents.EscrowWithdrawn,
            ("escrow_id", N(leaseId)), ("provider", lease.Provider), ("amount", N(amount)), ("balance", N(escrow.Balance)));
        return ExecResult.Ok;
    }

    // EndBlock

    /// <summary>
    /// Auto-matches the orders whose bidding window closes at this height (lowest price, ties to the earliest bid;
    /// no bids: the order closes and its escrow is refunded), then closes the leases whose funds run out at this
    /// height. Both come from queues keyed by height, so the cost grows with what is due, not with all leases.
    /// </summary>
    public void EndBlock(MsgContext ctx)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        foreach (var orderId in Records.OrdersClosingAt(store, height))
        {
            var order = Records.GetOrder(store, orderId)!;
            Bid? best = null;
            foreach (var bidId in Records.BidIdsOfOrder(store, orderId))
            {
                var bid = Records.GetBid(store, bidId)!;
                if (bid.State == BidState.Open && (best is null || bid.PricePerBlock < best.PricePerBlock))
                {
                    best = bid; // ids ascend with time, so on a tie the earliest bid stays
                }
            }

            if (best is null)
            {
                CloseOpenOrder(ctx, order, "no_bids");
            }
            else
            {
                FormLease(ctx, order, best, "auction");
            }
        }

        foreach (var leaseId in Records.LeasesRunningOutAt(store, height))
        {
            var lease = Records.GetLease(store, leaseId)!;
            EndLease(ctx, lease, LeaseCloseReason.InsufficientFunds);
        }
    }
}
