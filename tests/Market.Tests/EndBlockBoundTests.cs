using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.Proto.Types;

namespace Chain.Modules.Market.Tests;

/// <summary>
/// No user can make one block's EndBlock do unbounded work in the market: each EndBlock queue is drained at most
/// end_block_max_items per block, the rest carried over, oldest height first, then by id, none lost or handled twice.
/// Every block is checked against the market's invariants (<see cref="MarketChain.Commit"/>).
/// </summary>
public sealed class EndBlockBoundTests
{
    private const int Tenant = 0;
    private const int P1 = 1;
    private const int P2 = 2;
    private const int Orders = 10;
    private const uint Cap = 3;

    private static MarketChain Chain()
    {
        var p = MarketChain.TestParams();
        p.EndBlockMaxItems = Cap;
        p.OrderMaxBids = 20;
        return new MarketChain(4, marketParams: p);
    }

    private static void AllOk(BlockResults r) => Assert.All(r.Results, x => Assert.True(x.Code == 0, x.Log));

    /// <summary>Ids of the orders 1..<see cref="Orders"/> that are still open.</summary>
    private static List<ulong> OpenOrders(MarketChain c) =>
        Enumerable.Range(1, Orders).Select(i => (ulong)i).Where(id => c.Order(id)!.State == OrderState.Open).ToList();

    [Fact]
    public void Orders_whose_bidding_closes_at_one_height_are_matched_at_most_the_cap_per_block_oldest_first_and_all_eventually()
    {
        using var c = Chain();
        // Height 1: a provider and ten orders whose bidding closes at height 3; height 2: bids on the odd orders.
        AllOk(c.Commit([
            c.Tx(P1, c.CreateProvider(P1)),
            .. Enumerable.Range(0, Orders).Select(_ => c.Tx(Tenant, c.CreateOrder(Tenant, window: 2)))]));
        AllOk(c.Commit([.. Enumerable.Range(0, Orders / 2).Select(i => c.Tx(P1, c.CreateBid(P1, (ulong)(2 * i + 1), 900)))]));
        Assert.All(Enumerable.Range(1, Orders), i => Assert.Equal(3UL, c.Order((ulong)i)!.BiddingClosesHeight));

        c.Commit(); // height 3: the first three
        Assert.Equal(new ulong[] { 4, 5, 6, 7, 8, 9, 10 }, OpenOrders(c));
        Assert.Equal(OrderState.Active, c.Order(1)!.State);
        Assert.Equal(OrderState.Closed, c.Order(2)!.State);

        // The window is over for the orders still waiting: no new bid can slip in before they are matched.
        var late = c.Commit(c.Tx(P2, c.CreateProvider(P2)), c.Tx(P2, c.CreateBid(P2, 10, 100))); // height 4: the next three
        Assert.Equal(0U, late.Results[0].Code);
        Assert.Equal(MarketErrors.OrderNotOpen, late.Results[1].Code);
        Assert.Contains("bidding closed at height 3", late.Results[1].Log, StringComparison.Ordinal);
        Assert.Equal(new ulong[] { 7, 8, 9, 10 }, OpenOrders(c));

        c.Commit(); // height 5
        Assert.Equal(new ulong[] { 10 }, OpenOrders(c));
        c.Commit(); // height 6: the last one; every order handled, none twice
        Assert.Empty(OpenOrders(c));
        for (ulong id = 1; id <= Orders; id++)
        {
            var order = c.Order(id)!;
            Assert.Equal(id % 2 == 1 ? OrderState.Active : OrderState.Closed, order.State);
            if (id % 2 == 1)
            {
                Assert.Equal(LeaseState.Active, c.Lease(id)!.State);
                Assert.Equal(c.A(P1), c.Lease(id)!.Provider);
            }
        }

        Assert.Empty(c.Keeper.Records.DueOrders(c.State, c.Height, int.MaxValue));
    }

    [Fact]
    public void Leases_whose_funds_run_out_at_one_height_close_at_most_the_cap_per_block_and_are_paid_exactly_what_they_hold()
    {
        using var c = Chain();
        // Ten orders with 20,000 each, ten bids at 1,000/block, all accepted in one block at height 3: each runs out at 3 + 20 = 23.
        AllOk(c.Commit([
            c.Tx(P1, c.CreateProvider(P1)),
            .. Enumerable.Range(0, Orders).Select(_ => c.Tx(Tenant, c.CreateOrder(Tenant, maxPrice: 1_000, window: 40, deposit: 20_000)))]));
        AllOk(c.Commit([.. Enumerable.Range(1, Orders).Select(i => c.Tx(P1, c.CreateBid(P1, (ulong)i, 1_000)))]));
        AllOk(c.Commit([.. Enumerable.Range(1, Orders).Select(i => c.Tx(Tenant, new MsgCreateLease { Tenant = c.A(Tenant), BidId = (ulong)i }))]));
        Assert.Equal(Orders, c.Keeper.Records.LeasesRunningOutAt(c.State, 23).Count);

        c.CommitUntil(22);
        Assert.All(Enumerable.Range(1, Orders), i => Assert.Equal(LeaseState.Active, c.Lease((ulong)i)!.State));

        var expectedClosed = new[] { 3, 6, 9, 10 };
        for (var block = 0; block < expectedClosed.Length; block++)
        {
            c.Commit(); // heights 23, 24, 25, 26
            for (var i = 1; i <= Orders; i++)
            {
                var state = c.Lease((ulong)i)!.State;
                Assert.True(
                    i <= expectedClosed[block] ? state == LeaseState.InsufficientFunds : state == LeaseState.Active,
                    $"after height {c.Height}, lease {i} is {state}");
            }
        }

        for (ulong id = 1; id <= Orders; id++)
        {
            var escrow = c.Escrow(id)!;
            Assert.Equal(EscrowState.Closed, escrow.State);
            Assert.Equal(20_000UL, escrow.PaidOut + escrow.Taken); // every block it held funds for, nothing more
            Assert.Equal(0UL, escrow.Refunded);
        }

        Assert.Empty(c.Keeper.Records.DueLeases(c.State, c.Height, int.MaxValue));
    }
}
