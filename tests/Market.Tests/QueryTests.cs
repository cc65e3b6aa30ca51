using Chain.Modules.Market.Queries;
using Chain.Proto.Market;

namespace Chain.Modules.Market.Tests;

public sealed class QueryTests : IDisposable
{
    private readonly MarketChain _c = new(6);

    public void Dispose() => _c.Dispose();

    [Fact]
    public void Orders_bids_and_leases_filter_by_owner_provider_and_state_and_page_through()
    {
        _c.Commit(
            _c.Tx(1, _c.CreateProvider(1)), _c.Tx(2, _c.CreateProvider(2)),
            _c.Tx(0, _c.CreateOrder(0, window: 40)), _c.Tx(0, _c.CreateOrder(0, window: 40)), _c.Tx(0, _c.CreateOrder(0, window: 40)),
            _c.Tx(3, _c.CreateOrder(3, window: 40)));
        _c.Commit(_c.Tx(1, _c.CreateBid(1, 1, 500)), _c.Tx(2, _c.CreateBid(2, 1, 400)), _c.Tx(2, _c.CreateBid(2, 4, 400)));
        _c.Ok(0, new MsgCreateLease { Tenant = _c.A(0), BidId = 2 });
        var q = new MarketQueries(_c.Keeper);

        // Orders of account 0, one per page.
        var ids = new List<ulong>();
        var page = new PageRequest { Limit = 1 };
        for (var i = 0; i < 5; i++)
        {
            var r = new QueryOrdersResponse();
            Assert.True(q.Orders(_c.State, new QueryOrdersRequest { Owner = _c.A(0), Pagination = page }, r).IsOk);
            ids.AddRange(r.Orders.Select(o => o.Id));
            if (r.Pagination.NextKey.IsEmpty)
            {
                break;
            }

            page = new PageRequest { Limit = 1, Key = r.Pagination.NextKey };
        }

        Assert.Equal(new ulong[] { 1, 2, 3 }, ids);

        var open = new QueryOrdersResponse();
        q.Orders(_c.State, new QueryOrdersRequest { State = OrderState.Open }, open);
        Assert.Equal(new ulong[] { 2, 3, 4 }, open.Orders.Select(o => o.Id));

        var ownerActive = new QueryOrdersResponse();
        q.Orders(_c.State, new QueryOrdersRequest { Owner = _c.A(0), State = OrderState.Active }, ownerActive);
        Assert.Equal(new ulong[] { 1 }, ownerActive.Orders.Select(o => o.Id));

        var bids = new QueryBidsResponse();
        q.Bids(_c.State, new QueryBidsRequest { Provider = _c.A(2) }, bids);
        Assert.Equal(new ulong[] { 2, 3 }, bids.Bids.Select(b => b.Id));
        var lost = new QueryBidsResponse();
        q.Bids(_c.State, new QueryBidsRequest { OrderId = 1, State = BidState.Lost }, lost);
        Assert.Equal(new ulong[] { 1 }, lost.Bids.Select(b => b.Id));

        var leases = new QueryLeasesResponse();
        q.Leases(_c.State, new QueryLeasesRequest { Provider = _c.A(2), State = LeaseState.Active }, leases);
        Assert.Equal(new ulong[] { 1 }, leases.Leases.Select(l => l.Id));
        var none = new QueryLeasesResponse();
        q.Leases(_c.State, new QueryLeasesRequest { Owner = _c.A(3) }, none);
        Assert.Empty(none.Leases);

        var providers = new QueryProvidersResponse();
        q.Providers(_c.State, new PageRequest(), providers);
        Assert.Equal(2, providers.Providers.Count);

        Assert.False(q.Orders(_c.State, new QueryOrdersRequest { Owner = "chain1bad" }, new QueryOrdersResponse()).IsOk);
    }
}
