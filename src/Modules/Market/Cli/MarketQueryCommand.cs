using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Proto.Market;
using Google.Protobuf;

namespace Chain.Modules.Market.Cli;

/// <summary>
/// `chaind query market ...`: params, providers, orders, bids, leases (filtered by owner, provider and state,
/// paginated with --limit and --page-key) and the escrow account of a lease.
/// </summary>
internal sealed class MarketQueryCommand(CliContext context)
{
    public Command Build()
    {
        var market = new Command(MarketModule.ModuleName, "Compute market queries");
        market.Add(Params());
        market.Add(Provider());
        market.Add(Providers());
        market.Add(ById("order", "One order", (c, id, o) => c.OrderAsync(new QueryOrderRequest { Id = id }, o), r => r.Order is null ? [] : OrderLines(r.Order)));
        market.Add(Orders());
        market.Add(ById("bid", "One bid", (c, id, o) => c.BidAsync(new QueryBidRequest { Id = id }, o), r => r.Bid is null ? [] : BidLines(r.Bid)));
        market.Add(Bids());
        market.Add(ById("lease", "One lease", (c, id, o) => c.LeaseAsync(new QueryLeaseRequest { Id = id }, o), r => r.Lease is null ? [] : LeaseLines(r.Lease)));
        market.Add(Leases());
        market.Add(ById("escrow", "The escrow account of an order or lease", (c, id, o) => c.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = id }, o), r => r.Account is null ? [] : EscrowLines(r.Account)));
        return market;
    }

    private static string N(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<(string, string)> OrderLines(Order o) =>
    [
        ("order", $"{N(o.Id)} {ProtoEnumText.Name(o.State)} owner={o.Owner} gpus={o.Resources?.GpuCount} model={o.Resources?.GpuModel} max_price={N(o.MaxPricePerBlock)}uchn bidding_closes={N(o.BiddingClosesHeight)} winning_bid={N(o.WinningBidId)}"),
    ];

    private static IEnumerable<(string, string)> BidLines(Bid b) =>
        [("bid", $"{N(b.Id)} {ProtoEnumText.Name(b.State)} order={N(b.OrderId)} provider={b.Provider} price={N(b.PricePerBlock)}uchn deposit={N(b.Deposit)}uchn")];

    private static IEnumerable<(string, string)> LeaseLines(Lease l) =>
    [
        ("lease", $"{N(l.Id)} {ProtoEnumText.Name(l.State)} tenant={l.Tenant} provider={l.Provider} price={N(l.PricePerBlock)}uchn created={N(l.CreatedHeight)}"
            + (l.ClosedHeight == 0 ? string.Empty : $" closed={N(l.ClosedHeight)} reason={ProtoEnumText.Name(l.CloseReason)}")),
    ];

    private static IEnumerable<(string, string)> EscrowLines(EscrowAccount e) =>
    [
        ("escrow", N(e.Id)), ("state", ProtoEnumText.Name(e.State)), ("owner", e.Owner), ("provider", e.Provider), ("rate", N(e.Rate) + "uchn/block"),
        ("balance", N(e.Balance) + "uchn"), ("payable", N(e.Payable) + "uchn"), ("paid_out", N(e.PaidOut) + "uchn"), ("taken", N(e.Taken) + "uchn"),
        ("refunded", N(e.Refunded) + "uchn"), ("deposited", N(e.Deposited) + "uchn"), ("settled_height", N(e.SettledHeight)),
    ];

    private static (string, string) NextKey(PageResponse? page) => PageOptions.NextKeyLine(page?.NextKey);

    private static PageRequest Page(PageOptions paging, ParseResult parse)
    {
        var (limit, key) = paging.Read(parse);
        return new PageRequest { Limit = limit, Key = key };
    }

    private Command Params()
    {
        var command = new Command("params", "The market's params");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryParamsRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).ParamsAsync(request, o),
            (_, r) =>
            {
                var p = r.Params ?? new Proto.Market.Params();
                return
                [
                    ("provider_bond", N(p.ProviderBond) + "uchn"), ("min_order_deposit", N(p.MinOrderDeposit) + "uchn"), ("bid_deposit", N(p.BidDeposit) + "uchn"),
                    ("order_max_bids", p.OrderMaxBids.ToString(CultureInfo.InvariantCulture)), ("take_rate_bps", p.TakeRateBps.ToString(CultureInfo.InvariantCulture)),
                    ("bidding_window", $"{N(p.MinBiddingWindow)}..{N(p.MaxBiddingWindow)} blocks"),
                    ("end_block_max_items", p.EndBlockMaxItems.ToString(CultureInfo.InvariantCulture)), ("height", N(r.Height)),
                ];
            });
        return command;
    }

    private Command Provider()
    {
        var owner = new Argument<string>("address") { Description = "Provider address (chain1...)" };
        var command = new Command("provider", "One provider") { owner };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryProviderRequest { Owner = ClientInput.AccountAddress(parse.GetRequiredValue(owner), "address") },
            (node, request, o) => new Query.QueryClient(node.Channel).ProviderAsync(request, o),
            (_, r) =>
            {
                var p = r.Provider ?? new Proto.Market.Provider();
                return [("owner", p.Owner), ("host_uri", p.HostUri), ("region", p.Region), ("attributes", string.Join(' ', p.Attributes)), ("bond", N(p.Bond) + "uchn"), ("height", N(r.Height))];
            });
        return command;
    }

    private Command Providers()
    {
        var paging = new PageOptions();
        var command = new Command("providers", "Registered providers");
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryProvidersRequest { Pagination = Page(paging, parse) },
            (node, request, o) => new Query.QueryClient(node.Channel).ProvidersAsync(request, o),
            (_, r) => [.. r.Providers.Select(p => ("provider", $"{p.Owner} {p.Region} {p.HostUri} {string.Join(' ', p.Attributes)}")), NextKey(r.Pagination)]);
        return command;
    }

    private Command ById<TResponse>(string name, string description, Func<Query.QueryClient, ulong, Grpc.Core.CallOptions, Grpc.Core.AsyncUnaryCall<TResponse>> call, Func<TResponse, IEnumerable<(string, string)>> lines)
        where TResponse : IMessage
    {
        var id = new Argument<ulong>("id") { Description = "Id (a number)" };
        var command = new Command(name, description) { id };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => parse.GetValue(id),
            (node, request, o) => call(new Query.QueryClient(node.Channel), request, o),
            (_, r) => lines(r));
        return command;
    }

    private Command Orders()
    {
        var owner = new Option<string?>("--owner") { Description = "Only orders of this tenant" };
        var state = new Option<string?>("--state") { Description = "open, active or closed" };
        var paging = new PageOptions();
        var command = new Command("orders", "Orders, filtered by owner and state") { owner, state };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse =>
            {
                var o = parse.GetValue(owner);
                return new QueryOrdersRequest
                {
                    Owner = string.IsNullOrEmpty(o) ? string.Empty : ClientInput.AccountAddress(o, "--owner"),
                    State = ProtoEnumText.Parse<OrderState>(parse.GetValue(state), "--state"),
                    Pagination = Page(paging, parse),
                };
            },
            (node, request, opt) => new Query.QueryClient(node.Channel).OrdersAsync(request, opt),
            (_, r) => [.. r.Orders.SelectMany(OrderLines), NextKey(r.Pagination)]);
        return command;
    }

    private Command Bids()
    {
        var order = new Option<ulong>("--order") { Description = "Only bids on this order", DefaultValueFactory = _ => 0UL };
        var provider = new Option<string?>("--provider") { Description = "Only bids of this provider" };
        var state = new Option<string?>("--state") { Description = "open, active, lost or closed" };
        var paging = new PageOptions();
        var command = new Command("bids", "Bids, filtered by order, provider and state") { order, provider, state };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse =>
            {
                var p = parse.GetValue(provider);
                return new QueryBidsRequest
                {
                    OrderId = parse.GetValue(order),
                    Provider = string.IsNullOrEmpty(p) ? string.Empty : ClientInput.AccountAddress(p, "--provider"),
                    State = ProtoEnumText.Parse<BidState>(parse.GetValue(state), "--state"),
                    Pagination = Page(paging, parse),
                };
            },
            (node, request, opt) => new Query.QueryClient(node.Channel).BidsAsync(request, opt),
            (_, r) => [.. r.Bids.SelectMany(BidLines), NextKey(r.Pagination)]);
        return command;
    }

    private Command Leases()
    {
        var owner = new Option<string?>("--owner") { Description = "Only leases of this tenant" };
        var provider = new Option<string?>("--provider") { Description = "Only leases of this provider" };
        var state = new Option<string?>("--state") { Description = "active, insufficient_funds or closed" };
        var paging = new PageOptions();
        var command = new Command("leases", "Leases, filtered by tenant, provider and state") { owner, provider, state };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse =>
            {
                var o = parse.GetValue(owner);
                var p = parse.GetValue(provider);
                return new QueryLeasesRequest
                {
                    Owner = string.IsNullOrEmpty(o) ? string.Empty : ClientInput.AccountAddress(o, "--owner"),
                    Provider = string.IsNullOrEmpty(p) ? string.Empty : ClientInput.AccountAddress(p, "--provider"),
                    State = ProtoEnumText.Parse<LeaseState>(parse.GetValue(state), "--state"),
                    Pagination = Page(paging, parse),
                };
            },
            (node, request, opt) => new Query.QueryClient(node.Channel).LeasesAsync(request, opt),
            (_, r) => [.. r.Leases.SelectMany(LeaseLines), NextKey(r.Pagination)]);
        return command;
    }
}
