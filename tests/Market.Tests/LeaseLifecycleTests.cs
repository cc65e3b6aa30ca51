using Chain.Modules.Market.Events;
using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;

namespace Chain.Modules.Market.Tests;

/// <summary>
/// The life of orders, bids and leases on an in-memory chain, with every balance checked to the uchn.
/// Params (MarketChain.TestParams): bond 1,000, bid deposit 500, take rate 2.5%, order_max_bids 3; fee 10,000 per tx.
/// </summary>
public sealed class LeaseLifecycleTests : IDisposable
{
    private const ulong Initial = 100_000_000;
    private const ulong Fee = MarketChain.Fee;
    private const int Tenant = 0;
    private const int P1 = 1;
    private const int P2 = 2;
    private const int P3 = 3;

    private readonly MarketChain _c = new(5, Initial);

    public void Dispose() => _c.Dispose();

    /// <summary>Height 1: three H100 providers and an order (deposit 20,000, max 1,000/block, bids until height 4). Height 2: bids 800, 700, 700.</summary>
    private void ThreeBids()
    {
        var r = _c.Commit(
            _c.Tx(P1, _c.CreateProvider(P1)),
            _c.Tx(P2, _c.CreateProvider(P2)),
            _c.Tx(P3, _c.CreateProvider(P3)),
            _c.Tx(Tenant, _c.CreateOrder(Tenant, maxPrice: 1_000, window: 3, deposit: 20_000)));
        Assert.All(r.Results, x => Assert.True(x.Code == 0, x.Log));
        r = _c.Commit(
            _c.Tx(P1, _c.CreateBid(P1, 1, 800)),
            _c.Tx(P2, _c.CreateBid(P2, 1, 700)),
            _c.Tx(P3, _c.CreateBid(P3, 1, 700)));
        Assert.All(r.Results, x => Assert.True(x.Code == 0, x.Log));
        Assert.Equal(4UL, _c.Order(1)!.BiddingClosesHeight);
    }

    [Fact]
    public void Bidding_window_close_matches_the_lowest_price_and_the_earliest_bid_on_a_tie()
    {
        ThreeBids();
        var r = _c.Commit(); // height 3
        Assert.Equal(OrderState.Open, _c.Order(1)!.State);
        r = _c.Commit(); // height 4: the window closes
        var created = Assert.Single(r.EndBlockEvents, e => e.Type == MarketEvents.LeaseCreated);
        Assert.Contains(created.Attributes, a => a.Key == "matched_by" && a.Value == "auction");

        var lease = _c.Lease(1)!;
        Assert.Equal(2UL, lease.BidId);
        Assert.Equal(700UL, lease.PricePerBlock);
        Assert.Equal(LeaseState.Active, lease.State);
        Assert.Equal(OrderState.Active, _c.Order(1)!.State);
        Assert.Equal(BidState.Lost, _c.Bid(1)!.State);
        Assert.Equal(BidState.Active, _c.Bid(2)!.State);
        Assert.Equal(BidState.Lost, _c.Bid(3)!.State);

        // Losing bids got their deposits back in the same block; the winner's stays held.
        Assert.Equal(Initial - 2 * Fee - 1_000, _c.Balance(P1));
        Assert.Equal(Initial - 2 * Fee - 1_000 - 500, _c.Balance(P2));
        Assert.Equal(Initial - 2 * Fee - 1_000, _c.Balance(P3));
        Assert.Equal(Initial - Fee - 20_000, _c.Balance(Tenant));
        Assert.Equal(3 * 1_000 + 500 + 20_000UL, _c.Balance(MarketAccounts.Escrow));
    }

    [Fact]
    public void Lease_closes_when_escrow_runs_out_at_the_height_its_funds_cover()
    {
        ThreeBids();
        _c.CommitUntil(4); // auto-match at 4: 20,000 at 700/block pays 28 blocks, so funds run out at 4 + 28 = 32
        Assert.Equal(new List<ulong> { 1 }, _c.Keeper.Records.LeasesRunningOutAt(_c.State, 32));

        _c.CommitUntil(31);
        Assert.Equal(LeaseState.Active, _c.Lease(1)!.State);
        var r = _c.Commit(); // 32
        Assert.Contains(r.EndBlockEvents, e => e.Type == MarketEvents.LeaseClosed && e.Attributes.Any(a => a.Value == "insufficient_funds"));

        var lease = _c.Lease(1)!;
        Assert.Equal(LeaseState.InsufficientFunds, lease.State);
        Assert.Equal(LeaseCloseReason.InsufficientFunds, lease.CloseReason);
        Assert.Equal(32UL, lease.ClosedHeight);
        Assert.Equal(OrderState.Closed, _c.Order(1)!.State);
        Assert.Equal(BidState.Closed, _c.Bid(2)!.State);

        // 28 blocks x 700 = 19,600 settled at once: take 2.5% = 490, provider 19,110; the 400 left goes back to the tenant.
        var escrow = _c.Escrow(1)!;
        Assert.Equal(EscrowState.Closed, escrow.State);
        Assert.Equal(19_110UL, escrow.PaidOut);
        Assert.Equal(490UL, escrow.Taken);
        Assert.Equal(400UL, escrow.Refunded);
        Assert.Equal(0UL, escrow.Balance);
        Assert.Equal(Initial - Fee - 19_600, _c.Balance(Tenant));
        Assert.Equal(Initial - 2 * Fee - 1_000 + 19_110, _c.Balance(P2));
        Assert.Equal(490UL, _c.Taken);
        Assert.Equal(3 * 1_000UL, _c.Balance(MarketAccounts.Escrow)); // only the bonds are left
        Assert.Empty(_c.Keeper.Records.LeasesRunningOutAt(_c.State, 32));
    }

    [Fact]
    public void Withdraw_and_top_up_settle_first_draw_deposits_in_order_and_move_the_run_out_height()
    {
        ThreeBids();
        _c.Ok(Tenant, new MsgCreateLease { Tenant = _c.A(Tenant), BidId = 2 }); // height 3: lease at 700, runs out at 3 + 28 = 31
        Assert.Equal(BidState.Lost, _c.Bid(1)!.State);
        Assert.Equal(BidState.Lost, _c.Bid(3)!.State);
        Assert.Equal(new List<ulong> { 1 }, _c.Keeper.Records.LeasesRunningOutAt(_c.State, 31));
        var p2 = _c.Balance(P2);

        _c.CommitUntil(9);
        _c.Ok(P2, new MsgWithdrawLease { Provider = _c.A(P2), LeaseId = 1 }); // height 10: 7 x 700 = 4,900, take 122, provider 4,778
        Assert.Equal(p2 - Fee + 4_778, _c.Balance(P2));
        var escrow = _c.Escrow(1)!;
        Assert.Equal((15_100UL, 0UL, 4_778UL, 122UL, 10UL), (escrow.Balance, escrow.Payable, escrow.PaidOut, escrow.Taken, escrow.SettledHeight));

        _c.CommitUntil(11);
        _c.Ok(Tenant, new MsgDepositEscrow { Tenant = _c.A(Tenant), EscrowId = 1, Amount = 7_000 }); // height 12: 2 x 700 = 1,400 settled first (take 35)
        escrow = _c.Escrow(1)!;
        Assert.Equal(20_700UL, escrow.Balance);
        Assert.Equal(1_365UL, escrow.Payable);
        Assert.Equal(new[] { 13_700UL, 7_000UL }, escrow.Deposits.Select(d => d.Remaining));
        Assert.Empty(_c.Keeper.Records.LeasesRunningOutAt(_c.State, 31));
        Assert.Equal(new List<ulong> { 1 }, _c.Keeper.Records.LeasesRunningOutAt(_c.State, 12 + 20_700 / 700)); // 41

        _c.CommitUntil(14);
        var tenant = _c.Balance(Tenant);
        p2 = _c.Balance(P2);
        _c.Ok(Tenant, new MsgCloseLease { Signer = _c.A(Tenant), LeaseId = 1 }); // height 15: 3 x 700 = 2,100 (take 52), drawn from the first deposit
        var lease = _c.Lease(1)!;
        Assert.Equal((LeaseState.Closed, LeaseCloseReason.Tenant, 15UL), (lease.State, lease.CloseReason, lease.ClosedHeight));
        escrow = _c.Escrow(1)!;
        Assert.Equal(27_000UL, escrow.Deposited);
        Assert.Equal(4_778UL + 1_365 + 2_048, escrow.PaidOut);
        Assert.Equal(122UL + 35 + 52, escrow.Taken);
        Assert.Equal(18_600UL, escrow.Refunded);
        Assert.Equal(tenant - Fee + 18_600, _c.Balance(Tenant));
        Assert.Equal(p2 + 1_365 + 2_048 + 500, _c.Balance(P2)); // payable, plus the bid deposit back
        Assert.Equal(209UL, _c.Taken);
        Assert.Empty(_c.Keeper.Records.LeasesRunningOutAt(_c.State, 41));
    }

    [Fact]
    public void Provider_closes_a_lease_with_its_own_reason()
    {
        ThreeBids();
        _c.Ok(Tenant, new MsgCreateLease { Tenant = _c.A(Tenant), BidId = 1 });
        var r = _c.Ok(P1, new MsgCloseLease { Signer = _c.A(P1), LeaseId = 1 });
        Assert.Contains(r.Events, e => e.Type == MarketEvents.LeaseClosed && e.Attributes.Any(a => a.Key == "reason" && a.Value == "provider"));
        Assert.Equal(LeaseCloseReason.Provider, _c.Lease(1)!.CloseReason);
        Assert.Equal(800UL, _c.Escrow(1)!.PaidOut + _c.Escrow(1)!.Taken); // one block at 800
    }

    [Fact]
    public void Order_without_bids_closes_when_its_window_ends_and_refunds_the_escrow()
    {
        _c.Ok(Tenant, _c.CreateOrder(Tenant, window: 2, deposit: 15_000)); // height 1, closes at 3
        _c.CommitUntil(2);
        Assert.Equal(Initial - Fee - 15_000, _c.Balance(Tenant));
        var r = _c.Commit();
        Assert.Contains(r.EndBlockEvents, e => e.Type == MarketEvents.OrderClosed && e.Attributes.Any(a => a.Value == "no_bids"));
        Assert.Equal(OrderState.Closed, _c.Order(1)!.State);
        Assert.Equal(Initial - Fee, _c.Balance(Tenant));
        Assert.Equal(15_000UL, _c.Escrow(1)!.Refunded);
    }

    [Fact]
    public void Closing_an_open_order_refunds_its_bids_and_escrow()
    {
        ThreeBids();
        _c.Ok(Tenant, new MsgCloseOrder { Owner = _c.A(Tenant), OrderId = 1 });
        Assert.All(new ulong[] { 1, 2, 3 }, id => Assert.Equal(BidState.Closed, _c.Bid(id)!.State));
        Assert.Equal(Initial - 2 * Fee, _c.Balance(Tenant));
        Assert.Equal(Initial - 2 * Fee - 1_000, _c.Balance(P2));
        Assert.Equal(3_000UL, _c.Balance(MarketAccounts.Escrow));
    }

    [Fact]
    public void Deleting_a_provider_returns_its_bond()
    {
        _c.Ok(P1, _c.CreateProvider(P1));
        Assert.Equal(Initial - Fee - 1_000, _c.Balance(P1));
        var r = _c.Ok(P1, new MsgDeleteProvider { Owner = _c.A(P1) });
        Assert.Contains(r.Events, e => e.Type == MarketEvents.ProviderDeleted);
        Assert.Null(_c.Provider(P1));
        Assert.Equal(Initial - 2 * Fee, _c.Balance(P1));
    }

    [Fact]
    public void A_lease_whose_deposit_cannot_pay_one_block_closes_in_the_block_it_forms()
    {
        _c.Commit(_c.Tx(P1, _c.CreateProvider(P1)), _c.Tx(Tenant, _c.CreateOrder(Tenant, maxPrice: 20_000, window: 5, deposit: 10_000)));
        _c.Ok(P1, _c.CreateBid(P1, 1, 15_000));
        _c.Ok(Tenant, new MsgCreateLease { Tenant = _c.A(Tenant), BidId = 1 }); // height 3
        var lease = _c.Lease(1)!;
        Assert.Equal((LeaseState.InsufficientFunds, 3UL), (lease.State, lease.ClosedHeight));
        Assert.Equal(10_000UL, _c.Escrow(1)!.Refunded);
        Assert.Equal(0UL, _c.Escrow(1)!.PaidOut);
    }
}
