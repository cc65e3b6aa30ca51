using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// The market's work at the end of every block: auto-matches the orders whose bidding window has closed (lowest
/// price, ties to the earliest bid; no bids: the order closes and its escrow is refunded), then closes the leases
/// whose funds have run out. Both come from queues keyed by height then id, and each queue is drained at most
/// end_block_max_items entries per block, oldest height first, then by id: what is left is carried to the next block,
/// so no number of orders or leases due at one height can make one block unbounded, and none is skipped.
/// A matching costs at most order_max_bids bid refunds, a closing one settlement, so a block's EndBlock is bounded.
/// </summary>
public sealed class EndBlocker(MarketRecords records, OrderKeeper orders, LeaseKeeper leases)
{
    public void EndBlock(MsgContext ctx)
    {
        var store = ctx.Store;
        var height = ctx.Block.Height;
        var max = (int)Math.Min(records.GetParams(store).EndBlockMaxItems, int.MaxValue);
        foreach (var orderId in records.DueOrders(store, height, max))
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

        foreach (var leaseId in records.DueLeases(store, height, max))
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
