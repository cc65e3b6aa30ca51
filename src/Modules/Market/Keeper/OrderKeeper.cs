using Chain.Crypto;
using Chain.Modules.Market.Events;
using Chain.Proto.Market;
using Chain.State.Modules;
using static Chain.Modules.Market.Events.MarketEvents;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// Orders: posting one opens its escrow account with the deposit and starts its bidding window; closing an open order
/// refunds its open bids and its escrow. Order: open → active | closed; active → closed.
/// </summary>
public sealed class OrderKeeper(MarketRecords records, EscrowKeeper escrows, BidKeeper bids)
{
    public ExecResult CreateOrder(MsgContext ctx, byte[] owner, Resources resources, ulong maxPrice, ulong window, ulong deposit)
    {
        var store = ctx.Store;
        var p = records.GetParams(store);
        if (window < p.MinBiddingWindow || window > p.MaxBiddingWindow)
        {
            return MarketErrors.Error(MarketErrors.BiddingWindowOutOfRange,
                $"bidding_window_blocks is {window}, must be {p.MinBiddingWindow} to {p.MaxBiddingWindow}");
        }

        if (deposit < p.MinOrderDeposit)
        {
            return MarketErrors.Error(MarketErrors.DepositBelowMinimum, $"deposit {deposit}uchn is below the minimum {p.MinOrderDeposit}uchn");
        }

        var funds = escrows.CanPay(store, owner, deposit, "the order deposit");
        if (!funds.IsOk)
        {
            return funds;
        }

        var height = ctx.Block.Height;
        var ownerText = Address.ToBech32(owner);
        var id = records.NextId(store, MarketKeys.NextOrderId);
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
        var r = escrows.Deposit(store, escrow, owner, deposit);
        if (!r.IsOk)
        {
            return r;
        }

        records.SaveOrder(store, order, null);
        records.SaveEscrow(store, escrow, null);
        MarketEvents.Emit(ctx.Events, MarketEvents.OrderCreated,
            ("order_id", N(id)), ("owner", ownerText), ("gpu_count", N(resources.GpuCount)), ("gpu_model", resources.GpuModel),
            ("max_price_per_block", N(maxPrice)), ("bidding_closes_height", N(order.BiddingClosesHeight)));
        MarketEvents.Emit(ctx.Events, MarketEvents.EscrowDeposited, ("escrow_id", N(id)), ("depositor", ownerText), ("amount", N(deposit)));
        return ExecResult.Ok;
    }

    public ExecResult CloseOrder(MsgContext ctx, byte[] owner, ulong orderId)
    {
        var store = ctx.Store;
        var order = records.GetOrder(store, orderId);
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
    internal void CloseOpenOrder(MsgContext ctx, Order order, string reason)
    {
        var store = ctx.Store;
        foreach (var bidId in records.OpenBidIdsOfOrder(store, order.Id))
        {
            bids.EndBid(ctx, records.GetBid(store, bidId)!, BidState.Closed, MarketEvents.BidClosed);
        }

        var escrow = records.GetEscrow(store, order.Id)!;
        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        escrows.Close(store, escrow, ctx.Events);
        records.SaveEscrow(store, escrow, runOut);
        order.State = OrderState.Closed;
        records.SaveOrder(store, order, OrderState.Open);
        MarketEvents.Emit(ctx.Events, MarketEvents.OrderClosed, ("order_id", N(order.Id)), ("owner", order.Owner), ("reason", reason));
    }
}
