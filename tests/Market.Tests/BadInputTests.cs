using Chain.Proto.Market;
using Google.Protobuf;

namespace Chain.Modules.Market.Tests;

/// <summary>
/// Each bad input or unauthorised message gets its own market code and a message saying what was wrong, and
/// changes no state: the market's keys are byte-for-byte the same and no balance moves except the fee (for
/// messages that reach execution; stateless errors are refused before any fee is taken).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private const int Tenant = 0;
    private const int P1 = 1;
    private const int P2 = 2;
    private const int P3 = 3;
    private const int Outsider = 4;
    private const int A100Provider = 5;
    private const int P6 = 6;

    private readonly MarketChain _chain = new(8);

    public BadInputTests()
    {
        var c = _chain;
        c.Commit(
            c.Tx(P1, c.CreateProvider(P1)),
            c.Tx(P2, c.CreateProvider(P2)),
            c.Tx(P3, c.CreateProvider(P3)),
            c.Tx(P6, c.CreateProvider(P6)),
            c.Tx(A100Provider, c.CreateProvider(A100Provider, "us-east", "gpu/vendor/nvidia/model/a100/ram/40Gi", "gpu/count/8", "cpu/millicores/64000", "memory/mib/524288")),
            c.Tx(Tenant, c.CreateOrder(Tenant, window: 20)));
        c.Ok(P1, c.CreateBid(P1, 1, 900));
    }

    public void Dispose() => _chain.Dispose();

    private void AssertRefused(int signer, IMessage message, uint code, string logContains, bool feeCharged = true)
    {
        var c = _chain;
        var market = c.MarketDump();
        var balances = c.Balances();
        var r = c.Commit(c.Tx(signer, message)).Results[0];
        Assert.True(r.Code == code, $"expected code {code}, got {r.Code} ({r.Codespace}): {r.Log}");
        Assert.Equal(MarketErrors.Codespace, r.Codespace);
        Assert.Contains(logContains, r.Log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(r.Events, e => e.Type.StartsWith("market.", StringComparison.Ordinal));
        Assert.Equal(market, c.MarketDump());

        var after = c.Balances();
        if (feeCharged)
        {
            balances[c.A(signer)] -= MarketChain.Fee;
            balances[MarketChain.FeeCollector] = balances.GetValueOrDefault(MarketChain.FeeCollector) + MarketChain.Fee;
        }

        Assert.Equal(balances.OrderBy(kv => kv.Key), after.OrderBy(kv => kv.Key));
    }

    /// <summary>Forms lease 1 (order 1, bid 1) by acceptance.</summary>
    private void FormLease() => _chain.Ok(Tenant, new MsgCreateLease { Tenant = _chain.A(Tenant), BidId = 1 });

    [Fact]
    public void Invalid_address_in_a_message_is_refused_before_the_fee()
    {
        // The signer check runs on the parsed address; a message with an unparseable one is a market error.
        var c = _chain;
        var market = c.MarketDump();
        var balances = c.Balances();
        var tx = c.Tx(Tenant, new MsgCreateProvider { Owner = "chain1xyz", HostUri = "https://a.example", Region = "eu" });
        var r = c.Commit(tx).Results[0];
        Assert.Equal(MarketErrors.InvalidAddress, r.Code);
        Assert.Equal(MarketErrors.Codespace, r.Codespace);
        Assert.Contains("owner", r.Log, StringComparison.Ordinal);
        Assert.Equal(market, c.MarketDump());
        Assert.Equal(balances.OrderBy(kv => kv.Key), c.Balances().OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Provider_with_a_bad_host_uri() =>
        AssertRefused(Outsider, new MsgCreateProvider { Owner = _chain.A(Outsider), HostUri = "ftp://gpu.example.com", Region = "eu-west" }, MarketErrors.InvalidProvider, "host_uri", feeCharged: false);

    [Fact]
    public void Provider_with_a_malformed_gpu_attribute() =>
        AssertRefused(Outsider, _chain.CreateProvider(Outsider, "eu-west", "gpu/vendor/nvidia/model/h100"), MarketErrors.InvalidProvider, "gpu/vendor/<vendor>", feeCharged: false);

    [Fact]
    public void Provider_registered_twice() =>
        AssertRefused(P1, _chain.CreateProvider(P1), MarketErrors.ProviderExists, "already a provider");

    [Fact]
    public void Bid_from_an_account_that_is_not_a_provider() =>
        AssertRefused(Outsider, _chain.CreateBid(Outsider, 1, 800), MarketErrors.UnknownProvider, "not a provider");

    [Fact]
    public void Update_of_an_unknown_provider() =>
        AssertRefused(Outsider, new MsgUpdateProvider { Owner = _chain.A(Outsider), HostUri = "https://x.example", Region = "eu-west" }, MarketErrors.UnknownProvider, "not a provider");

    [Fact]
    public void Delete_of_a_provider_with_an_open_bid() =>
        AssertRefused(P1, new MsgDeleteProvider { Owner = _chain.A(P1) }, MarketErrors.ProviderBusy, "bid 1");

    [Fact]
    public void Order_for_zero_gpus() =>
        AssertRefused(Tenant, _chain.CreateOrder(Tenant, resources: new Resources { GpuCount = 0, GpuModel = "nvidia/h100" }), MarketErrors.InvalidResources, "gpu_count", feeCharged: false);

    [Fact]
    public void Order_with_a_malformed_model_pattern() =>
        AssertRefused(Tenant, _chain.CreateOrder(Tenant, resources: new Resources { GpuCount = 1, GpuModel = "h100" }), MarketErrors.InvalidResources, "gpu_model", feeCharged: false);

    [Fact]
    public void Bid_at_price_zero() =>
        AssertRefused(P2, _chain.CreateBid(P2, 1, 0), MarketErrors.InvalidPrice, "price_per_block", feeCharged: false);

    [Fact]
    public void Order_with_a_bidding_window_above_the_maximum() =>
        AssertRefused(Tenant, _chain.CreateOrder(Tenant, window: 51), MarketErrors.BiddingWindowOutOfRange, "1 to 50");

    [Fact]
    public void Order_deposit_below_the_minimum() =>
        AssertRefused(Tenant, _chain.CreateOrder(Tenant, deposit: 9_999), MarketErrors.DepositBelowMinimum, "below the minimum 10000uchn");

    [Fact]
    public void Bid_on_an_unknown_order() =>
        AssertRefused(P2, _chain.CreateBid(P2, 999, 800), MarketErrors.UnknownOrder, "order 999");

    [Fact]
    public void Bid_on_a_closed_order()
    {
        _chain.Ok(Tenant, new MsgCloseOrder { Owner = _chain.A(Tenant), OrderId = 1 });
        AssertRefused(P2, _chain.CreateBid(P2, 1, 800), MarketErrors.OrderNotOpen, "Closed");
    }

    [Fact]
    public void Close_of_a_lease_by_someone_who_is_neither_party()
    {
        FormLease();
        AssertRefused(Outsider, new MsgCloseLease { Signer = _chain.A(Outsider), LeaseId = 1 }, MarketErrors.NotLeaseParty, "only the tenant");
    }

    [Fact]
    public void Bid_above_the_order_price() =>
        AssertRefused(P2, _chain.CreateBid(P2, 1, 1_001), MarketErrors.PriceAboveOrder, "above order 1's maximum 1000uchn");

    [Fact]
    public void Bid_whose_attributes_do_not_meet_the_order() =>
        AssertRefused(A100Provider, _chain.CreateBid(A100Provider, 1, 500), MarketErrors.AttributesUnmet, "nvidia/h100");

    [Fact]
    public void Bid_beyond_order_max_bids()
    {
        _chain.Ok(P2, _chain.CreateBid(P2, 1, 800));
        _chain.Ok(P3, _chain.CreateBid(P3, 1, 700));
        AssertRefused(P6, _chain.CreateBid(P6, 1, 600), MarketErrors.TooManyBids, "3 open bids");
    }

    [Fact]
    public void Second_open_bid_of_one_provider_on_one_order() =>
        AssertRefused(P1, _chain.CreateBid(P1, 1, 850), MarketErrors.DuplicateBid, "already has open bid 1");

    [Fact]
    public void Accepting_an_unknown_bid() =>
        AssertRefused(Tenant, new MsgCreateLease { Tenant = _chain.A(Tenant), BidId = 42 }, MarketErrors.UnknownBid, "bid 42");

    [Fact]
    public void Closing_a_bid_that_is_not_open()
    {
        _chain.Ok(P1, new MsgCloseBid { Provider = _chain.A(P1), BidId = 1 });
        AssertRefused(P1, new MsgCloseBid { Provider = _chain.A(P1), BidId = 1 }, MarketErrors.BidNotOpen, "not open");
    }

    [Fact]
    public void Accepting_a_bid_as_someone_other_than_the_tenant() =>
        AssertRefused(Outsider, new MsgCreateLease { Tenant = _chain.A(Outsider), BidId = 1 }, MarketErrors.NotTenant, "only the tenant");

    [Fact]
    public void Top_up_by_someone_other_than_the_tenant() =>
        AssertRefused(Outsider, new MsgDepositEscrow { Tenant = _chain.A(Outsider), EscrowId = 1, Amount = 5 }, MarketErrors.NotTenant, "only the tenant");

    [Fact]
    public void Closing_someone_elses_bid() =>
        AssertRefused(P2, new MsgCloseBid { Provider = _chain.A(P2), BidId = 1 }, MarketErrors.NotProvider, "only the bid's provider");

    [Fact]
    public void Withdraw_by_someone_other_than_the_provider()
    {
        FormLease();
        AssertRefused(Tenant, new MsgWithdrawLease { Provider = _chain.A(Tenant), LeaseId = 1 }, MarketErrors.NotProvider, "only the lease's provider");
    }

    [Fact]
    public void Withdraw_from_an_unknown_lease() =>
        AssertRefused(P1, new MsgWithdrawLease { Provider = _chain.A(P1), LeaseId = 7 }, MarketErrors.UnknownLease, "lease 7");

    [Fact]
    public void Withdraw_from_a_closed_lease()
    {
        FormLease();
        _chain.Ok(Tenant, new MsgCloseLease { Signer = _chain.A(Tenant), LeaseId = 1 });
        AssertRefused(P1, new MsgWithdrawLease { Provider = _chain.A(P1), LeaseId = 1 }, MarketErrors.LeaseNotActive, "Closed");
    }

    [Fact]
    public void Order_deposit_the_tenant_cannot_pay() =>
        AssertRefused(Tenant, _chain.CreateOrder(Tenant, deposit: 1_000_000_000), MarketErrors.InsufficientFunds, "needs 1000000000uchn");

    [Fact]
    public void Top_up_of_zero() =>
        AssertRefused(Tenant, new MsgDepositEscrow { Tenant = _chain.A(Tenant), EscrowId = 1, Amount = 0 }, MarketErrors.InvalidAmount, "amount", feeCharged: false);

    [Fact]
    public void Top_up_of_an_unknown_escrow_account() =>
        AssertRefused(Tenant, new MsgDepositEscrow { Tenant = _chain.A(Tenant), EscrowId = 77, Amount = 5 }, MarketErrors.UnknownEscrowAccount, "77");

    [Fact]
    public void Top_up_of_a_closed_escrow_account()
    {
        _chain.Ok(Tenant, new MsgCloseOrder { Owner = _chain.A(Tenant), OrderId = 1 });
        AssertRefused(Tenant, new MsgDepositEscrow { Tenant = _chain.A(Tenant), EscrowId = 1, Amount = 5 }, MarketErrors.EscrowClosed, "closed");
    }

    [Fact]
    public void Closing_an_order_that_is_not_open()
    {
        FormLease();
        AssertRefused(Tenant, new MsgCloseOrder { Owner = _chain.A(Tenant), OrderId = 1 }, MarketErrors.OrderNotOpen, "close its lease instead");
    }

    [Fact]
    public void Accepting_a_bid_that_lost()
    {
        _chain.Ok(P2, _chain.CreateBid(P2, 1, 800));
        _chain.Ok(Tenant, new MsgCreateLease { Tenant = _chain.A(Tenant), BidId = 2 });
        AssertRefused(Tenant, new MsgCreateLease { Tenant = _chain.A(Tenant), BidId = 1 }, MarketErrors.OrderNotOpen, "Active");
    }
}
