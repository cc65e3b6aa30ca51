using Chain.Agents;
using Chain.Agents.Tenant;
using Chain.Modules.Market.Events;
using Chain.Proto.Market;

namespace Chain.Node.Tests.Agents;

/// <summary>
/// The tenant agent against a real node: it posts an order, the test bids as a provider, the auction forms the lease,
/// the agent tops the escrow up until the budget is spent and no further, and an agent started again while the order
/// is open does not post it twice.
/// </summary>
public sealed class TenantAgentAgainstNodeTests(TestNode node) : IClassFixture<TestNode>
{
    private const ulong Deposit = 1_000_000;
    private const ulong TopUp = 200_000;
    private const ulong Budget = 1_500_000;
    private const ulong Price = 90;

    [Fact]
    public async Task The_agent_orders_keeps_its_auctioned_lease_topped_up_within_the_budget_and_a_restart_posts_no_second_order()
    {
        var chain = new TenantTestChain(node);
        using var provider = chain.Account("provider");
        await chain.RegisterProviderAsync(provider);
        var tenant = node.FundedKey("tenant");

        // Runway 1,000,000 / 90 = 11,111 blocks, below runway_blocks: the agent tops up until the budget is spent:
        // 0.2 + 0.2 + what is left (0.1) CHN after the 1 CHN deposit.
        var path = chain.WriteConfig("""
            budget = "1.5chn"
            runway_blocks = 100000
            top_up = "0.2chn"

            [[order]]
            gpu_model = "nvidia/h100"
            min_vram_gi = 80
            max_price = "100uchn"
            deposit = "1chn"
            bidding_window = 25
            """);
        var config = TenantConfig.Load(path, node.Home);
        using var tenantChain = new AgentChain(config.Agent.Node, config.Agent.LoadKey(), config.Agent.Fee, config.Agent.Gas);
        Assert.Equal(tenant, tenantChain.Address);

        await using var events = await EventCollector.StartAsync(node.Channel, MarketEvents.EscrowDeposited);

        // The first agent posts the order, then stops while it takes bids.
        var firstLog = new CapturedLog();
        var first = TenantTestChain.Agent(config, tenantChain, firstLog);
        Order order;
        using (var stop = new CancellationTokenSource())
        {
            var run = first.RunAsync(stop.Token);
            try
            {
                order = (await TenantTestChain.WaitFor(() => chain.OrdersAsync(tenant), o => o.Count > 0, "the agent's order", firstLog)).Single();
            }
            finally
            {
                await stop.CancelAsync();
                await run;
            }
        }

        Assert.Equal(OrderState.Open, order.State);
        Assert.Equal((1u, "nvidia/h100", 80u, 100UL), (order.Resources.GpuCount, order.Resources.GpuModel, order.Resources.MinVramGi, order.MaxPricePerBlock));
        Assert.Equal(1, first.Metrics.OrdersPosted.Value);

        // A new agent (a restart) finds the open order on chain and posts none.
        var secondLog = new CapturedLog();
        var second = TenantTestChain.Agent(config, tenantChain, secondLog);
        await second.StepAsync(CancellationToken.None);
        Assert.Single(await chain.OrdersAsync(tenant));
        Assert.Equal(0, second.Metrics.OrdersPosted.Value);

        // The test bids as the provider; the auction picks the bid when the window closes.
        await TenantTestChain.CommitAsync(provider, new MsgCreateBid { Provider = provider.Address, OrderId = order.Id, PricePerBlock = Price });
        Lease lease;
        EscrowAccount escrow;
        using (var stop = new CancellationTokenSource())
        {
            var run = second.RunAsync(stop.Token);
            try
            {
                lease = await TenantTestChain.WaitFor(async () => (await chain.Market.LeaseAsync(new QueryLeaseRequest { Id = order.Id })).Lease, l => l.State == LeaseState.Active, "the lease", secondLog);
                escrow = await TenantTestChain.WaitFor(async () => (await chain.Market.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = order.Id })).Account, e => e.Deposited >= Budget, "top-ups up to the budget", secondLog);

                // The chain may show the last top-up before the agent's commit-mode broadcast returns: wait for its count too.
                await TenantTestChain.WaitFor(() => Task.FromResult(second.Metrics.TopUps.Value), v => v >= 3, "the agent to count its top-ups", secondLog);
            }
            finally
            {
                await stop.CancelAsync();
                await run;
            }
        }

        Assert.Equal((provider.Address, Price), (lease.Provider, lease.PricePerBlock));
        Assert.Equal(Budget, escrow.Deposited);

        // More steps, and another restart: the budget is spent, so nothing more is deposited, and the lease is there,
        // so no order is posted.
        await second.StepAsync(CancellationToken.None);
        var third = TenantTestChain.Agent(config, tenantChain, new CapturedLog());
        await third.StepAsync(CancellationToken.None);
        Assert.Equal((0.0, 0.0, 1.0), (third.Metrics.OrdersPosted.Value, third.Metrics.TopUps.Value, third.Metrics.ActiveLeases.Value));
        var after = (await chain.Market.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = order.Id })).Account;
        Assert.Equal(Budget, after.Deposited);
        Assert.Single(await chain.OrdersAsync(tenant));

        // The events of the deposits: the order's and three top-ups (read once the stream has delivered them all).
        var id = order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<ulong> Amounts() => events.Where(MarketEvents.EscrowDeposited, "escrow_id", id)
            .Select(e => ulong.Parse(EventCollector.Attribute(e, "amount"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var amounts = await TenantTestChain.WaitFor(() => Task.FromResult(Amounts()), a => a.Aggregate(0UL, (sum, x) => sum + x) >= Budget, "the deposit events");
        Assert.Equal([Deposit, TopUp, TopUp, Budget - Deposit - (2 * TopUp)], amounts);
        Assert.Equal(3, second.Metrics.TopUps.Value);
        Assert.Equal(Budget - Deposit, second.Metrics.ToppedUp.Value);
        Assert.Equal(1, second.Metrics.LeasesFormed.Value);
        Assert.Equal(Budget, second.Metrics.Spent.Value);
        Assert.Contains("budget exhausted", secondLog.ToString(), StringComparison.Ordinal);
        Assert.Contains($"lease {lease.Id} formed: provider {provider.Address}", secondLog.ToString(), StringComparison.Ordinal);

        // `chaind tenant status` shows the lease, its runway and the budget used.
        var status = await chain.TenantCliAsync("status", "--config", path);
        Assert.True(status.ExitCode == 0, status.Output + status.Error);
        Assert.Equal(tenant, status.Field("address"));
        Assert.Equal($"{Budget}uchn of {Budget}uchn", status.Field("budget_used"));
        Assert.Equal("1", status.Field("active_leases"));
        Assert.StartsWith($"provider {provider.Address}, {Price}uchn/block, kind #1 (1 x nvidia/h100), escrow ", status.Field($"lease {lease.Id}"), StringComparison.Ordinal);
        Assert.Equal("0", status.Field("open_orders"));
    }
}
