using System.Collections.Concurrent;
using System.Globalization;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Modules.Market.Events;
using Chain.Node.Config;
using Chain.Node.Tests.Cli;
using Chain.Proto.Market;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;
using BankQuery = Chain.Proto.Bank.Query;
using MarketQuery = Chain.Proto.Market.Query;

namespace Chain.Node.Tests.Market;

/// <summary>
/// The whole life of the market on one real node (gRPC, CLI, events stream), with the default params of
/// `chaind init` (bond 1 CHN, bid deposit 0.1 CHN, take rate 2%): a provider registers through the CLI and two
/// more over gRPC, a tenant orders two H100s twice, three providers bid on each, one lease forms by acceptance
/// (CLI) and one by auto-match, blocks pass, the provider withdraws, the tenant tops up, the funds run out and the
/// lease closes with reason insufficient funds. Every balance is then checked to the uchn, from the heights at
/// which each settlement happened.
/// </summary>
public sealed class MarketScenarioTests(TestNode node) : IClassFixture<TestNode>
{
    /// <summary>What every tx here pays: the CLI's market default, and what the gRPC txs set.</summary>
    private const ulong Fee = 10_000;
    private const ulong Bond = 1_000_000;
    private const ulong WorkBond = 2 * TestNode.WorkBondPerLease;
    private const ulong BidDeposit = 100_000;
    private const ulong TakeBps = 200;
    private const ulong DepositA = 5_000_037;
    private const ulong TopUp = 500_000;
    private const ulong DepositB = 1_000_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private MarketQuery.QueryClient Market => new(node.Channel);

    private PrivateKey Key(string name)
    {
        node.FundedKey(name);
        return new Keyring(new NodeHome(node.Home).KeyringDirectory).GetPrivateKey(name);
    }

    private async Task<ulong> Balance(byte[] address) =>
        (await new BankQuery.QueryClient(node.Channel).BalanceAsync(new Proto.Bank.QueryBalanceRequest { Address = Address.ToBech32(address), Denom = "uchn" })).Balance.Amount;

    /// <summary>Signs with the account's current sequence, broadcasts in commit mode, and asserts success; the tx result.</summary>
    private async Task<TxResult> Commit(PrivateKey key, IMessage message)
    {
        var account = (await new BankQuery.QueryClient(node.Channel).AccountAsync(new Proto.Bank.QueryAccountRequest { Address = Address.ToBech32(key.Address) })).Account;
        var fee = new Fee { GasLimit = 1_000_000, Amount = { new Coin { Denom = "uchn", Amount = Fee } } };
        var tx = TxFactory.Sign(key, node.ChainId, account.AccountNumber, account.Sequence, fee, [message]);
        var response = await new Service.ServiceClient(node.Channel).BroadcastTxAsync(
            new BroadcastTxRequest { TxBytes = tx.ToByteString(), Mode = BroadcastMode.Commit }, deadline: DateTime.UtcNow + Wait);
        Assert.True(response.Result.Code == 0, $"{message.Descriptor.Name}: code {response.Result.Code} ({response.Result.Codespace}) {response.Result.Log}");
        return response.Result;
    }

    private async Task<CliRun> Cli(params string[] args)
    {
        var run = await node.Cli(args);
        Assert.True(run.ExitCode == 0, $"chaind {string.Join(' ', args)}: {run.Output}{run.Error}");
        return run;
    }

    private async Task<Lease> WaitForLease(ulong id, Func<Lease, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                var lease = (await Market.LeaseAsync(new QueryLeaseRequest { Id = id })).Lease;
                if (done(lease))
                {
                    return lease;
                }
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"lease {id} did not reach the expected state within {Wait.TotalSeconds} s");
            await Task.Delay(TestNode.BlockTime / 2);
        }
    }

    private static ulong Take(ulong settled) => settled * TakeBps / 10_000;

    [Fact]
    public async Task Provider_and_tenant_walk_a_lease_from_order_to_insufficient_funds_with_exact_balances()
    {
        var tenant = Key("tenant");
        var p1 = Key("provider-1");
        var p2 = Key("provider-2");
        var p3 = Key("provider-3");
        var escrowAccount = Address.FromPublicKey("module/market_escrow"u8);
        var supply = (await new BankQuery.QueryClient(node.Channel).SupplyAsync(new Proto.Bank.QuerySupplyRequest { Denom = "uchn" })).Amount.Amount;

        // Everything the market emits, from the events stream.
        using var stop = new CancellationTokenSource();
        var events = new ConcurrentQueue<EventMessage>();
        using var call = new Proto.NodeService.Events.EventsClient(node.Channel).Subscribe(new SubscribeRequest(), cancellationToken: stop.Token);
        Assert.True(await call.ResponseStream.MoveNext(stop.Token)); // the stream is live
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await call.ResponseStream.MoveNext(stop.Token))
                {
                    if (call.ResponseStream.Current.Event.Type.StartsWith("market.", StringComparison.Ordinal))
                    {
                        events.Enqueue(call.ResponseStream.Current);
                    }
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // cancelled at the end of the test
            }
        });

        // Providers: one through the CLI, two over gRPC.
        string[] attributes = ["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8", "cpu/millicores/64000", "memory/mib/524288"];
        var register = await Cli("tx", "market", "create-provider", "provider-1", "--host-uri", "https://p1.example.com:8443", "--region", "eu-west",
            "--attribute", attributes[0], "--attribute", attributes[1], "--attribute", attributes[2], "--attribute", attributes[3], "--broadcast-mode", "commit");
        Assert.Equal("0", register.Field("code"));
        foreach (var (key, name) in new[] { (p2, "p2"), (p3, "p3") })
        {
            var create = new MsgCreateProvider { Owner = Address.ToBech32(key.Address), HostUri = $"https://{name}.example.com", Region = "eu-west" };
            create.Attributes.AddRange(attributes);
            await Commit(key, create);
        }

        // Each provider bonds for two leases with the work module before it bids.
        foreach (var key in new[] { p1, p2, p3 })
        {
            await Commit(key, new Proto.Work.MsgDepositWorkBond { Provider = Address.ToBech32(key.Address), Amount = WorkBond });
        }

        var providers = await Cli("query", "market", "providers");
        Assert.Equal(3, providers.Output.Split('\n').Count(l => l.StartsWith("provider: ", StringComparison.Ordinal)));

        // The tenant orders two H100s; three providers bid (bids 1-3); the tenant accepts provider 3's bid (not the
        // cheapest) through the CLI: lease 1.
        var resources = new Resources { GpuCount = 2, GpuModel = "nvidia/h100", MinVramGi = 80, CpuMillicores = 32_000, MemoryMib = 262_144 };
        var tenantAddress = Address.ToBech32(tenant.Address);
        await Commit(tenant, new MsgCreateOrder { Owner = tenantAddress, Resources = resources, MaxPricePerBlock = 100_000, BiddingWindowBlocks = 1_000, Deposit = DepositA });
        var prices = new[] { (p1, 60_000UL, 40_000UL), (p2, 50_000UL, 45_000UL), (p3, 55_000UL, 40_000UL) };
        foreach (var (key, a, _) in prices)
        {
            await Commit(key, new MsgCreateBid { Provider = Address.ToBech32(key.Address), OrderId = 1, PricePerBlock = a });
        }

        var accept = await Cli("tx", "market", "accept-bid", "tenant", "3", "--broadcast-mode", "commit");
        Assert.Equal("0", accept.Field("code"));
        var leaseA = (await Market.LeaseAsync(new QueryLeaseRequest { Id = 1 })).Lease;
        Assert.Equal((3UL, 55_000UL, Address.ToBech32(p3.Address), LeaseState.Active), (leaseA.BidId, leaseA.PricePerBlock, leaseA.Provider, leaseA.State));
        var bidsA = (await Market.BidsAsync(new QueryBidsRequest { OrderId = 1 })).Bids;
        Assert.Equal(new[] { BidState.Lost, BidState.Lost, BidState.Active }, bidsA.Select(b => b.State));

        // A second order of two H100s takes bids for 30 blocks; the same three providers bid (bids 4-6).
        var orderB = await Commit(tenant, new MsgCreateOrder { Owner = tenantAddress, Resources = resources, MaxPricePerBlock = 100_000, BiddingWindowBlocks = 30, Deposit = DepositB });
        var closesB = orderB.Height + 30;
        foreach (var (key, _, b) in prices)
        {
            await Commit(key, new MsgCreateBid { Provider = Address.ToBech32(key.Address), OrderId = 2, PricePerBlock = b });
        }

        Assert.True((await node.StatusAsync()).LatestHeight < closesB, "the bids on order 2 came after its bidding window; the node is slower than this test assumes");

        // Lease 2 by auto-match when order 2's window closes: the lowest price, the earlier of the two 40,000 bids.
        var leaseB = await WaitForLease(2, _ => true);
        Assert.Equal((4UL, 40_000UL, Address.ToBech32(p1.Address), closesB), (leaseB.BidId, leaseB.PricePerBlock, leaseB.Provider, leaseB.CreatedHeight));
        var bidsB = (await Market.BidsAsync(new QueryBidsRequest { OrderId = 2 })).Bids;
        Assert.Equal(new[] { BidState.Active, BidState.Lost, BidState.Lost }, bidsB.Select(b => b.State));

        // Blocks pass; provider 3 withdraws; the tenant tops up; the tenant closes lease 2.
        await node.WaitForHeightAsync((await node.StatusAsync()).LatestHeight + 3, Wait);
        var withdraw = await Commit(p3, new MsgWithdrawLease { Provider = Address.ToBech32(p3.Address), LeaseId = 1 });
        var topUp = await Commit(tenant, new MsgDepositEscrow { Tenant = tenantAddress, EscrowId = 1, Amount = TopUp });
        var closeB = await Cli("tx", "market", "close-lease", "tenant", "2", "--broadcast-mode", "commit");
        var closeBHeight = closeB.Number("height");

        // Lease 1 runs until its funds cannot pay another block.
        var h0 = leaseA.CreatedHeight;
        var (hw, ht) = (withdraw.Height, topUp.Height);
        const ulong rate = 55_000;
        var balanceAfterTopUp = DepositA - rate * (ht - h0) + TopUp;
        var runOut = ht + balanceAfterTopUp / rate;
        var closed = await WaitForLease(1, l => l.State != LeaseState.Active);
        Assert.Equal((LeaseState.InsufficientFunds, LeaseCloseReason.InsufficientFunds, runOut), (closed.State, closed.CloseReason, closed.ClosedHeight));

        // Lease 1 settled three times (withdraw, top-up, run-out), the take floored each time.
        var s1 = rate * (hw - h0);
        var s2 = rate * (ht - hw);
        var s3 = rate * (runOut - ht);
        var takeA = Take(s1) + Take(s2) + Take(s3);
        var refundA = DepositA + TopUp - s1 - s2 - s3;
        var escrowA = (await Market.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = 1 })).Account;
        Assert.Equal((EscrowState.Closed, s1 + s2 + s3 - takeA, takeA, refundA, DepositA + TopUp),
            (escrowA.State, escrowA.PaidOut, escrowA.Taken, escrowA.Refunded, escrowA.Deposited));
        Assert.Equal(balanceAfterTopUp % rate, refundA);

        // Lease 2 settled once, when the tenant closed it.
        var sB = 40_000 * (closeBHeight - leaseB.CreatedHeight);
        var escrowB = (await Market.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = 2 })).Account;
        Assert.Equal((sB - Take(sB), Take(sB), DepositB - sB), (escrowB.PaidOut, escrowB.Taken, escrowB.Refunded));

        // Every balance, to the uchn. Fees: p1 4 txs, p2 4, p3 5, tenant 5; the work bonds stay bonded.
        const ulong funds = TestNode.AccountFunds;
        Assert.Equal(funds - 4 * Fee - Bond - WorkBond + (sB - Take(sB)), await Balance(p1.Address));
        Assert.Equal(funds - 4 * Fee - Bond - WorkBond, await Balance(p2.Address));
        Assert.Equal(funds - 5 * Fee - Bond - WorkBond + (s1 + s2 + s3 - takeA), await Balance(p3.Address));
        Assert.Equal(funds - 5 * Fee - (s1 + s2 + s3) - sB, await Balance(tenant.Address));
        // The take went to the fee collector, which staking's distribution empties into rewards every block;
        // the escrow records above say how much it was.
        Assert.Equal(3 * Bond, await Balance(escrowAccount)); // only the bonds; every bid deposit is back
        Assert.Equal(supply, (await new BankQuery.QueryClient(node.Channel).SupplyAsync(new Proto.Bank.QuerySupplyRequest { Denom = "uchn" })).Amount.Amount);

        // The CLI shows the closed lease; the events stream saw every step.
        var shown = await Cli("query", "market", "lease", "1");
        Assert.Contains("insufficient_funds", shown.Field("lease"), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + Wait;
        bool Seen(string type, string key, string value) =>
            events.Any(e => e.Event.Type == type && e.Event.Attributes.Any(a => a.Key == key && a.Value == value));
        while (!Seen(MarketEvents.LeaseClosed, "reason", "insufficient_funds") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TestNode.BlockTime);
        }

        Assert.True(Seen(MarketEvents.ProviderCreated, "provider", Address.ToBech32(p1.Address)));
        Assert.True(Seen(MarketEvents.LeaseCreated, "matched_by", "tenant"));
        Assert.True(Seen(MarketEvents.LeaseCreated, "matched_by", "auction"));
        Assert.True(Seen(MarketEvents.BidLost, "bid_id", "5"));
        Assert.True(Seen(MarketEvents.EscrowWithdrawn, "amount", (s1 - Take(s1)).ToString(CultureInfo.InvariantCulture)));
        Assert.True(Seen(MarketEvents.EscrowDeposited, "amount", TopUp.ToString(CultureInfo.InvariantCulture)));
        Assert.True(Seen(MarketEvents.LeaseClosed, "reason", "tenant"));
        Assert.True(Seen(MarketEvents.LeaseClosed, "reason", "insufficient_funds"));
        Assert.Contains(events, e => e.Event.Type == MarketEvents.LeaseClosed && e.Height == runOut);

        await stop.CancelAsync();
        await reader;
    }
}
