using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// The market's work at the end of every block: auto-matches the orders whose bidding window closes at this height
/// (lowest price, ties to the earliest bid; no bids: the order closes and its escrow is refunded), then closes the
/// leases whose funds run out at this height. Both come from queues keyed by height, so the cost grows with what is
/// due, not with all leases.
/// </summary>
public sealed class EndBlocker(MarketRecords records, OrderKeeper orders, LeaseKeeper leases)
{
    public void EndBlock(MsgContext ctx)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        foreach (var orderId in records.OrdersClosingAt(store, height))
        {
            var order = records.GetOrder(store, orderId)!;
            var best = LowestOpenBid(store, orderId);
            if (best is null)
            {
                orders.CloseOpenOrder(ctx, order, "no_bids");
            }
            else
            {
                leases.FormLease(ctx, order, best, "auction");
            }
        }

        foreach (var leaseId in records.LeasesRunningOutAt(store, height))
        {
            var lease = records.GetLease(store, leaseId)!;
            leases.EndLease(ctx, lease, LeaseCloseReason.InsufficientFunds);
        }
    }

    /// <summary>The open bid of the order with the lowest price; on a tie the earliest, since bid ids ascend with time.</summary>
    private Bid? LowestOpenBid(IStateReader state, ulong orderId)
    {
        Bid? best = null;
        foreach (var bidId in records.OpenBidIdsOfOrder(state, orderId))
        {
            var bid = records.GetBid(state, bidId)!;
            if (best is null || bid.PricePerBlock < best.PricePerBlock)
            {
                best = bid;
            }
        }

        return best;
    }
}
