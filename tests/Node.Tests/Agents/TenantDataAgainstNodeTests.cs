using Chain.Agents;
using Chain.Agents.Tenant;
using Chain.Modules.Work;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Market;
using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.Work.Prover;

namespace Chain.Node.Tests.Agents;

/// <summary>A test node whose leases owe a 16 x 256 x 256 receipt every 20 blocks (4 s), with 40 blocks to request tiles and to dispute.</summary>
public sealed class TenantDataNode : IAsyncLifetime
{
    public TestNode Node { get; } = TestNode.WithGenesis(genesis =>
        AppStateSections.Update<Proto.Work.GenesisState>(genesis, WorkModule.ModuleName, w =>
        {
            w.Params.ReceiptInterval = 20;
            w.Params.ChallengeDelay = 2;
            w.Params.ResponseDeadline = 20;
            w.Params.DisputeWindow = 40;
            w.Params.DefaultRowsPerGpu = 16;
            w.Params.Samples = 16;
        }));

    public Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();
}

/// <summary>
/// Tenant data with the agent on a real node: the agent sets its matrices on the lease it got; the test, as the
/// provider, proves the seeded round honestly and then commits to a product of other data; the agent asks for tiles,
/// finds the opened ones wrong against its own files and disputes one; the chain upholds it and closes the lease.
/// </summary>
public sealed class TenantDataAgainstNodeTests(TenantDataNode fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TenantDataNode>
{
    private const int Rows = 16;
    private const int N = 256;

    private TestNode Node => fixture.Node;

    [Fact]
    public async Task The_agent_sets_its_data_checks_opened_tiles_and_a_wrong_tile_is_disputed_and_upheld()
    {
        var chain = new TenantTestChain(Node);
        using var provider = chain.Account("provider");
        await chain.RegisterProviderAsync(provider);
        Node.FundedKey("tenant");

        var random = new Random(11);
        var a = new byte[Rows * N];
        var b = new byte[N * N];
        random.NextBytes(a);
        random.NextBytes(b);
        await File.WriteAllBytesAsync(Path.Combine(Node.Home, "a.bin"), a);
        await File.WriteAllBytesAsync(Path.Combine(Node.Home, "b.bin"), b);
        var path = chain.WriteConfig("""
            [[order]]
            max_price = "100uchn"
            deposit = "10chn"
            bidding_window = 10

            [tenant_data]
            a = "a.bin"
            b = "b.bin"
            request_tiles = 4
            """);
        var config = TenantConfig.Load(path, Node.Home);
        using var tenantChain = new AgentChain(config.Agent.Node, config.Agent.LoadKey(), config.Agent.Fee, config.Agent.Gas);
        var log = new CapturedLog();
        var agent = TenantTestChain.Agent(config, tenantChain, log);
        using var prover = new CpuProver();

        using var stop = new CancellationTokenSource();
        var run = agent.RunAsync(stop.Token);
        try
        {
            var order = (await TenantTestChain.WaitFor(() => chain.OrdersAsync(tenantChain.Address), o => o.Count > 0, "the agent's order", log)).Single();
            await TenantTestChain.CommitAsync(provider, new MsgCreateBid { Provider = provider.Address, OrderId = order.Id, PricePerBlock = 50 });
            var leaseId = order.Id;

            // Rounds until one computes on the tenant's data: seeded ones are proven honestly.
            for (ulong round = 1; ; round++)
            {
                var work = await TenantTestChain.WaitFor(() => LeaseWork(chain, leaseId), w => w.Round >= round, $"round {round}", log);
                Assert.Equal(round, work.Round);
                if (work.Spec.Source == InputSource.Seeded)
                {
                    var inputs = ReceiptBuilder.Inputs(work.Spec);
                    var (tree, _) = ReceiptBuilder.Commit(prover, work.Spec, inputs);
                    await TenantTestChain.CommitAsync(provider, ReceiptBuilder.Receipt(provider.Address, work, tree, new Telemetry()));
                    var challenged = await WaitForReceipt(chain, leaseId, round, ReceiptStatus.Challenged, log);
                    await TenantTestChain.CommitAsync(provider, ReceiptBuilder.Response(provider.Address, leaseId, round, challenged.ChallengedTiles, work.Spec, inputs, tree));
                    continue;
                }

                // The agent's data is committed: its rows and roots.
                var matrices = TenantMatrices.Load(config.TenantData!, N);
                Assert.True(matrices.IsCommittedBy(work.Spec));
                Assert.Equal((uint)Rows, work.Spec.Rows);

                // While it waits for the receipt, `chaind tenant status` shows the lease's last receipt.
                var status = await chain.TenantCliAsync("status", "--config", path);
                Assert.Contains($"lease {leaseId}: provider {provider.Address}, 50uchn/block", status.Output, StringComparison.Ordinal);
                Assert.Contains(", tenant data: last receipt round ", status.Output, StringComparison.Ordinal);

                // The provider computes on other data (every byte of B flipped) and commits to that product.
                var forged = ((sbyte[])(Array)a, (sbyte[])(Array)b.Select(x => (byte)~x).ToArray());
                var (forgedTree, _) = ReceiptBuilder.Commit(prover, work.Spec, forged);
                await TenantTestChain.CommitAsync(provider, ReceiptBuilder.Receipt(provider.Address, work, forgedTree, new Telemetry()));

                // The agent asks for tiles; the provider opens them (their paths are right: the root is the forged product's).
                var requested = await WaitForReceipt(chain, leaseId, round, ReceiptStatus.TilesRequested, log);
                Assert.Equal(4, requested.ChallengedTiles.Count);
                await TenantTestChain.CommitAsync(provider, ReceiptBuilder.Response(provider.Address, leaseId, round, requested.ChallengedTiles, work.Spec, forged, forgedTree));

                // The agent recomputes the opened tiles from its files, disputes one, and the chain upholds it.
                var failed = await WaitForReceipt(chain, leaseId, round, ReceiptStatus.Failed, log);
                Assert.Equal("dispute", failed.Failure);
                var lease = (await chain.Market.LeaseAsync(new QueryLeaseRequest { Id = leaseId })).Lease;
                Assert.Equal((LeaseState.Closed, LeaseCloseReason.FailedWork), (lease.State, lease.CloseReason));
                break;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            output.WriteLine(log.ToString());
        }

        Assert.Equal(4, agent.Metrics.TilesRequested.Value);
        Assert.Equal((1.0, 1.0), (agent.Metrics.DisputesSent.Value, agent.Metrics.DisputesUpheld.Value));
        Assert.Contains("dispute upheld", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("set tenant data", log.ToString(), StringComparison.Ordinal);
    }

    private static async Task<LeaseWork> LeaseWork(TenantTestChain chain, ulong leaseId) =>
        (await chain.Work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = leaseId })).Lease;

    private static Task<Receipt> WaitForReceipt(TenantTestChain chain, ulong leaseId, ulong round, ReceiptStatus status, CapturedLog log) =>
        TenantTestChain.WaitFor(
            async () => (await chain.Work.ReceiptAsync(new QueryReceiptRequest { LeaseId = leaseId, Round = round })).Receipt,
            r => r.Status == status,
            $"receipt {round} of lease {leaseId} reaching {status}",
            log);
}
