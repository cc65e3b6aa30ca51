using Chain.Proto.Market;
using Grpc.Net.Client;
using MarketQuery = Chain.Proto.Market.Query;

namespace Chain.Agents.Tenant;

/// <summary>
/// What the chain says about one tenant, read fresh at every step (and by `chaind tenant status`): its orders, its
/// leases and their escrow accounts. Nothing else is kept between steps except closed escrow accounts, which never
/// change again.
/// </summary>
public sealed class TenantView
{
    private TenantView(ulong height, List<Order> orders, List<Lease> leases, Dictionary<ulong, EscrowAccount> escrows)
    {
        Height = height;
        Orders = orders;
        Leases = leases;
        Escrows = escrows;
    }

    /// <summary>The height the escrow accounts were read at (the last query's).</summary>
    public ulong Height { get; }

    /// <summary>Every order the tenant ever posted, by id.</summary>
    public IReadOnlyList<Order> Orders { get; }

    /// <summary>Every lease of the tenant, active and closed, by id.</summary>
    public IReadOnlyList<Lease> Leases { get; }

    /// <summary>The escrow account of each order, by order id (= lease id).</summary>
    public IReadOnlyDictionary<ulong, EscrowAccount> Escrows { get; }

    public IEnumerable<Lease> ActiveLeases => Leases.Where(l => l.State == LeaseState.Active);

    public IEnumerable<Order> OpenOrders => Orders.Where(o => o.State == OrderState.Open);

    /// <summary>What the tenant's escrow accounts hold or paid out: deposited less refunded, which the budget caps.</summary>
    public ulong Spent => Escrows.Values.Aggregate(0UL, (sum, e) => sum + (e.Deposited - Math.Min(e.Refunded, e.Deposited)));

    public Order? Order(ulong id) => Orders.FirstOrDefault(o => o.Id == id);

    /// <summary>
    /// Blocks until <paramref name="escrow"/> cannot pay the next block, seen at <paramref name="height"/>: its balance
    /// pays balance / rate blocks after its last settlement, and the blocks since then are owed already.
    /// </summary>
    public static ulong RunwayBlocks(EscrowAccount escrow, ulong height)
    {
        if (escrow.Rate == 0)
        {
            return ulong.MaxValue;
        }

        var paidUntil = escrow.SettledHeight + (escrow.Balance / escrow.Rate);
        return paidUntil > height ? paidUntil - height : 0;
    }

    /// <summary>
    /// Reads the tenant's records. Orders are read before leases: an order that closes into a lease between the two
    /// reads is then seen as open or as a lease (or both), never as neither, so the agent never posts a second order
    /// for a lease that just formed. <paramref name="closedEscrows"/> keeps closed accounts between calls (optional).
    /// </summary>
    public static async Task<TenantView> ReadAsync(GrpcChannel channel, string owner, IDictionary<ulong, EscrowAccount>? closedEscrows, CancellationToken ct)
    {
        var market = new MarketQuery.QueryClient(channel);
        var orders = new List<Order>();
        var page = new PageRequest { Limit = 1000 };
        do
        {
            var response = await market.OrdersAsync(new QueryOrdersRequest { Owner = owner, Pagination = page }, AgentChain.Options(ct));
            orders.AddRange(response.Orders);
            page = new PageRequest { Limit = 1000, Key = response.Pagination?.NextKey ?? Google.Protobuf.ByteString.Empty };
        }
        while (page.Key.Length != 0);

        var leases = new List<Lease>();
        page = new PageRequest { Limit = 1000 };
        do
        {
            var response = await market.LeasesAsync(new QueryLeasesRequest { Owner = owner, Pagination = page }, AgentChain.Options(ct));
            leases.AddRange(response.Leases);
            page = new PageRequest { Limit = 1000, Key = response.Pagination?.NextKey ?? Google.Protobuf.ByteString.Empty };
        }
        while (page.Key.Length != 0);

        var escrows = new Dictionary<ulong, EscrowAccount>();
        ulong height = 0;
        foreach (var order in orders)
        {
            if (closedEscrows is not null && closedEscrows.TryGetValue(order.Id, out var closed))
            {
                escrows[order.Id] = closed;
                continue;
            }

            var response = await market.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = order.Id }, AgentChain.Options(ct));
            escrows[order.Id] = response.Account;
            height = Math.Max(height, response.Height);
            if (closedEscrows is not null && response.Account.State == EscrowState.Closed)
            {
                closedEscrows[order.Id] = response.Account;
            }
        }

        if (height == 0)
        {
            height = (await new Chain.Proto.NodeService.Status.StatusClient(channel).GetStatusAsync(new Chain.Proto.NodeService.StatusRequest(), AgentChain.Options(ct))).LatestHeight;
        }

        orders.Sort((x, y) => x.Id.CompareTo(y.Id));
        leases.Sort((x, y) => x.Id.CompareTo(y.Id));
        return new TenantView(height, orders, leases, escrows);
    }
}
