using Chain.Agents;
using Chain.Agents.Provider;
using Chain.Node.Tests.Cli;
using Chain.Proto.Market;

namespace Chain.Node.Tests.Agents;

/// <summary>
/// The provider agent against one real node, step by step: it registers and bonds itself, declines the order whose
/// price is below its floor (logged once, counted by reason), bids on the one it can serve, and `chaind provider
/// status` shows the bid. Receipts and challenges are covered on a four-validator network (tests/Integration).
/// </summary>
public sealed class ProviderAgentAgainstNodeTests(TestNode node) : IClassFixture<TestNode>
{
    [Fact]
    public async Task The_agent_registers_bonds_declines_below_its_floor_and_bids_on_what_it_can_serve()
    {
        var chain = new TenantTestChain(node);
        using var tenant = chain.Account("pa-tenant");
        var providerAddress = node.FundedKey("pa-provider");
        var path = Path.Combine(node.Home, "provider.toml");
        await File.WriteAllTextAsync(path, $"""
            node = "{node.Address}"
            home = "{node.Home}"
            key = "pa-provider"
            keyring_backend = "test"
            fee = "10000uchn"
            gas = 1000000
            device = "cpu"
            gpus = 1
            host_uri = "https://agent.example.com:8443"
            region = "eu-west"
            attributes = ["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/1"]
            work_bond = "{TestNode.WorkBondPerLease}uchn"
            [floor_price]
            "nvidia/h100" = "50uchn"
            """);
        await TenantTestChain.CommitAsync(tenant, new MsgCreateOrder
        {
            Owner = tenant.Address, Resources = new Resources { GpuCount = 1, GpuModel = "nvidia/h100" }, MaxPricePerBlock = 10, BiddingWindowBlocks = 1_000, Deposit = 10_000_000,
        });
        await TenantTestChain.CommitAsync(tenant, new MsgCreateOrder
        {
            Owner = tenant.Address, Resources = new Resources { GpuCount = 1, GpuModel = "nvidia/h100" }, MaxPricePerBlock = 100, BiddingWindowBlocks = 1_000, Deposit = 10_000_000,
        });
        var orders = await chain.OrdersAsync(tenant.Address);

        var log = new CapturedLog();
        using var agent = new ProviderAgent(ProviderConfig.Load(path), new AgentLog(log, "provider"));
        await agent.StepAsync(CancellationToken.None); // registers
        await agent.StepAsync(CancellationToken.None); // bonds, declines one order, bids on the other
        await agent.StepAsync(CancellationToken.None); // nothing new: the decline is not logged twice

        var bids = (await chain.Market.BidsAsync(new QueryBidsRequest { Provider = providerAddress })).Bids;
        var bid = Assert.Single(bids);
        Assert.Equal((orders[1].Id, 100UL, BidState.Open), (bid.OrderId, bid.PricePerBlock, bid.State));
        Assert.Equal(1, agent.Metrics.BidsSent.Value);
        Assert.Equal(1, agent.Metrics.BidsDeclined.WithLabels("price").Value);
        Assert.Single(log.ToString().Split('\n'), l => l.Contains($"decline order {orders[0].Id}", StringComparison.Ordinal));
        Assert.Contains("the floor for 1 x nvidia/h100 is 50uchn", log.ToString());
        Assert.Equal(TestNode.WorkBondPerLease, (await chain.Work.ProviderAsync(new Proto.Work.QueryProviderRequest { Provider = providerAddress })).Provider.Bond);

        var status = await CliRun.Invoke(node.Home, ["provider", "status", "--config", path]);
        Assert.True(status.ExitCode == 0, status.Error);
        Assert.Equal(providerAddress, status.Field("provider"));
        Assert.Contains($"bid: {bid.Id} order={orders[1].Id} price=100uchn", status.Output);
        Assert.Contains($"bond={TestNode.WorkBondPerLease}uchn", status.Field("work"));

        // A config naming a key the keyring lacks stops with the key's name.
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("key = \"pa-provider\"", "key = \"nobody\"", StringComparison.Ordinal));
        var missing = await CliRun.Invoke(node.Home, ["provider", "status", "--config", path]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("nobody", missing.Error);
    }
}
