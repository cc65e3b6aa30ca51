using Chain.Proto.Market;
using Chain.Proto.Types;

namespace Chain.Modules.Market.Tests;

/// <summary>
/// Closed bids do not use up an order's bid slots, and neither bidding nor deleting a provider walks a bid history
/// that grows with every bid made: both read only the open (or open and active) bids, which are bounded, so their gas
/// does not depend on the history. Every block is checked against the market's invariants (<see cref="MarketChain.Commit"/>).
/// </summary>
public sealed class BidHistoryBoundTests
{
    private const int Tenant = 0;
    private const int P1 = 1;
    private const int P2 = 2;

    private static MarketChain Chain()
    {
        var p = MarketChain.TestParams();
        p.OrderMaxBids = 20;
        return new MarketChain(4, marketParams: p);
    }

    private static void AllOk(BlockResults r) => Assert.All(r.Results, x => Assert.True(x.Code == 0, x.Log));

    [Fact]
    public void A_provider_that_bids_and_closes_many_times_does_not_use_up_the_orders_bid_slots()
    {
        using var c = Chain();
        AllOk(c.Commit(c.Tx(P1, c.CreateProvider(P1)), c.Tx(P2, c.CreateProvider(P2)), c.Tx(Tenant, c.CreateOrder(Tenant, window: 40))));
        AllOk(c.Commit(Enumerable.Range(1, 20)
            .Select(i => c.Tx(P1, c.CreateBid(P1, 1, 900), new MsgCloseBid { Provider = c.A(P1), BidId = (ulong)i }))
            .ToArray()));
        Assert.All(Enumerable.Range(1, 20), i => Assert.Equal(BidState.Closed, c.Bid((ulong)i)!.State));

        c.Ok(P2, c.CreateBid(P2, 1, 800));
        c.Ok(P1, c.CreateBid(P1, 1, 850));
        Assert.Equal(OrderState.Open, c.Order(1)!.State);
    }

    [Fact]
    public void Bidding_on_an_order_with_a_long_closed_history_costs_the_same_gas_as_on_a_fresh_order()
    {
        using var c = Chain();
        AllOk(c.Commit(
            c.Tx(P1, c.CreateProvider(P1)), c.Tx(P2, c.CreateProvider(P2)),
            c.Tx(Tenant, c.CreateOrder(Tenant, window: 40), c.CreateOrder(Tenant, window: 40))));
        AllOk(c.Commit(Enumerable.Range(1, 19)
            .Select(i => c.Tx(P1, c.CreateBid(P1, 1, 900), new MsgCloseBid { Provider = c.A(P1), BidId = (ulong)i }))
            .ToArray()));

        var onLongHistory = c.Ok(P2, c.CreateBid(P2, 1, 800)).GasUsed;
        var onFresh = c.Ok(P2, c.CreateBid(P2, 2, 800)).GasUsed;
        Assert.Equal(onFresh, onLongHistory);
    }

    [Fact]
    public void Deleting_a_provider_with_a_long_bid_history_costs_the_same_gas_as_with_a_short_one()
    {
        using var c = Chain();
        AllOk(c.Commit(
            c.Tx(P1, c.CreateProvider(P1)), c.Tx(P2, c.CreateProvider(P2)),
            c.Tx(Tenant, c.CreateOrder(Tenant, window: 40)), c.Tx(Tenant, c.CreateOrder(Tenant, window: 40))));
        // Fifteen bids on each order, so the history is long without reaching either order's bid slots.
        AllOk(c.Commit(Enumerable.Range(1, 30)
            .Select(i => c.Tx(P1, c.CreateBid(P1, i <= 15 ? 1UL : 2UL, 900), new MsgCloseBid { Provider = c.A(P1), BidId = (ulong)i }))
            .Append(c.Tx(P2, c.CreateBid(P2, 2, 900), new MsgCloseBid { Provider = c.A(P2), BidId = 31 }))
            .ToArray()));

        var longHistory = c.Ok(P1, new MsgDeleteProvider { Owner = c.A(P1) }).GasUsed;
        var shortHistory = c.Ok(P2, new MsgDeleteProvider { Owner = c.A(P2) }).GasUsed;
        Assert.Equal(shortHistory, longHistory);
        Assert.Null(c.Provider(P1));
    }

    [Fact]
    public void A_provider_with_an_open_bid_cannot_be_deleted_however_long_its_history()
    {
        using var c = Chain();
        AllOk(c.Commit(c.Tx(P1, c.CreateProvider(P1)), c.Tx(Tenant, c.CreateOrder(Tenant, window: 40))));
        AllOk(c.Commit([
            .. Enumerable.Range(1, 5).Select(i => c.Tx(P1, c.CreateBid(P1, 1, 900), new MsgCloseBid { Provider = c.A(P1), BidId = (ulong)i })),
            c.Tx(P1, c.CreateBid(P1, 1, 900))]));

        var r = c.Commit(c.Tx(P1, new MsgDeleteProvider { Owner = c.A(P1) })).Results[0];
        Assert.Equal(MarketErrors.ProviderBusy, r.Code);
        Assert.NotNull(c.Provider(P1));
    }
}
