using Chain.Crypto;
using Chain.Modules.Market.Events;
using Chain.Modules.Market.Matching;
using Chain.Proto.Market;
using Chain.State.Modules;
using static Chain.Modules.Market.Events.MarketEvents;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// Bids: a provider bids on an open order it satisfies and pays the bid deposit; the deposit comes back whenever the
/// bid ends (closed by the provider, lost to another bid, or closed with its order or lease).
/// Bid: open → active | lost | closed; active → closed.
/// </summary>
public sealed class BidKeeper(MarketRecords records, EscrowKeeper escrows, IReadOnlyList<IMarketHooks> hooks)
{
    public ExecResult CreateBid(MsgContext ctx, byte[] providerAddress, ulong orderId, ulong price)
    {
        var store = ctx.Store;
        var providerText = Address.ToBech32(providerAddress);
        var order = records.GetOrder(store, orderId);
        if (order is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownOrder, $"order {orderId} does not exist");
        }

        if (order.State != OrderState.Open)
        {
            return MarketErrors.Error(MarketErrors.OrderNotOpen, $"order {orderId} is {order.State}; bids are taken only while it is open");
        }

        var provider = records.GetProvider(store, providerAddress);
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

        if (ctx.Block.Height > order.BiddingClosesHeight)
        {
            return MarketErrors.Error(MarketErrors.OrderNotOpen,
                $"order {orderId}'s bidding closed at height {order.BiddingClosesHeight}; it is waiting to be matched");
        }

        // Only open bids take a slot: a closed, lost or active bid no longer competes. The open bids are at most
        // order_max_bids, so this reads a bounded number of records however many bids the order has seen.
        var p = records.GetParams(store);
        var open = records.OpenBidIdsOfOrder(store, orderId);
        foreach (var id in open)
        {
            var other = records.GetBid(store, id)!;
            if (other.Provider == providerText)
            {
                return MarketErrors.Error(MarketErrors.DuplicateBid, $"provider {providerText} already has open bid {id} on order {orderId}; close it to bid again");
            }
        }

        if (open.Count >= p.OrderMaxBids)
        {
            return MarketErrors.Error(MarketErrors.TooManyBids, $"order {orderId} already has {open.Count} open bids, the maximum (order_max_bids)");
        }

        var funds = escrows.CanPay(store, providerAddress, p.BidDeposit, "the bid deposit");
        if (!funds.IsOk)
        {
            return funds;
        }

        foreach (var hook in hooks)
        {
            var allowed = hook.BeforeCreateBid(ctx, provider, order);
            if (!allowed.IsOk)
            {
                return allowed;
            }
        }

        escrows.Move(store, providerAddress, MarketAccounts.Escrow, p.BidDeposit);
        var bid = new Bid
        {
            Id = records.NextId(store, MarketKeys.NextBidId),
            OrderId = orderId,
            Provider = providerText,
            PricePerBlock = price,
            Deposit = p.BidDeposit,
            CreatedHeight = ctx.Block.Height,
            State = BidState.Open,
        };
        records.SaveBid(store, bid, null);
        MarketEvents.Emit(ctx.Events, MarketEvents.BidCreated,
            ("bid_id", N(bid.Id)), ("order_id", N(orderId)), ("provider", providerText), ("price_per_block", N(price)), ("deposit", N(bid.Deposit)));
        return ExecResult.Ok;
    }

    public ExecResult CloseBid(MsgContext ctx, byte[] provider, ulong bidId)
    {
        var bid = records.GetBid(ctx.Store, bidId);
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

    /// <summary>Ends a bid that holds a deposit (open or active): refunds the deposit and moves it to <paramref name="to"/>.</summary>
    internal void EndBid(MsgContext ctx, Bid bid, BidState to, string eventType)
    {
        var before = bid.State;
        escrows.Move(ctx.Store, MarketAccounts.Escrow, Address.FromBech32(bid.Provider), bid.Deposit);
        bid.State = to;
        records.SaveBid(ctx.Store, bid, before);
        MarketEvents.Emit(ctx.Events, eventType,
            ("bid_id", N(bid.Id)), ("order_id", N(bid.OrderId)), ("provider", bid.Provider), ("deposit_refunded", N(bid.Deposit)));
    }
}
