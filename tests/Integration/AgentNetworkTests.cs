using System.Globalization;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Work;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.Market;
using Chain.Proto.Types;
using Chain.Proto.Work;
using Chain.State.Modules;
using Google.Protobuf;
using Grpc.Net.Client;
using Xunit.Abstractions;
using BankQuery = Chain.Proto.Bank.Query;
using MarketQuery = Chain.Proto.Market.Query;
using WorkQuery = Chain.Proto.Work.Query;

namespace Chain.Integration.Tests;

/// <summary>
/// The market running itself on a real four-validator testnet of chaind processes: three provider agents (one
/// faking 10% of its tiles) and a tenant agent; orders are won by auction, receipts and challenges flow for several
/// rounds, the faker is caught, slashed and its lease closed with failed_work, the honest providers' balances are
/// exactly what the chain's records say they earned, and a provider agent killed with SIGKILL while its receipt
/// awaits its challenge answers it after a restart.
/// </summary>
[Collection(LongNetworks.Name)]
public sealed class AgentNetworkTests(ITestOutputHelper output) : IDisposable
{
    private const string ChainId = "agents-net";
    private const ulong Chn = 1_000_000;
    private const ulong Funds = 100_000 * Chn;
    private const ulong Fee = 100_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chaind-agents-" + Guid.NewGuid().ToString("N"));
    private readonly List<ChaindProcess> _processes = new();

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Agents_bid_win_prove_rounds_catch_a_faker_pay_exactly_and_answer_after_a_SIGKILL()
    {
        var basePort = FourValidatorTests.FreeBasePort(43);
        var (code, text) = ChaindProcess.Run("testnet", "init", "--validators", "4", "--output", _root,
            "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--chain-id", ChainId);
        Assert.True(code == 0, text);

        // Keys of three providers and a tenant, funded at genesis, in a keyring the agents read.
        var agentHome = Path.Combine(_root, "agents");
        var keyring = new Keyring(Path.Combine(agentHome, "keyring"));
        var names = new[] { "honest1", "honest2", "faker", "tenant" };
        var keys = names.Select(n => keyring.Import(n, PrivateKey.Generate())).ToArray();
        var genesis = GenesisFile.Load(GenesisPath(0));
        foreach (var k in keys)
        {
            BankGenesis.Fund(genesis, new Balance { Address = k.Address, Coins = { new Coin { Denom = "uchn", Amount = Funds } } });
        }

        // Rounds of 20 blocks with 40 blocks to answer, so an agent restarted after SIGKILL has time.
        AppStateSections.Update<Proto.Work.GenesisState>(genesis, WorkModule.ModuleName, w =>
        {
            w.Params.ReceiptInterval = 20;
            w.Params.ResponseDeadline = 40;
            w.Params.BondPerLease = 100 * Chn;
        });
        for (var i = 0; i < 4; i++)
        {
            GenesisFile.Write(GenesisPath(i), genesis);
            var node = ChaindProcess.TestnetNode(Path.Combine(_root, "node" + i), basePort, i);
            _processes.Add(node);
            node.Start();
        }

        await Task.WhenAll(_processes.Select(n => n.WaitForHeight(2, Patience)));
        var node0 = _processes[0];
        using var channel = node0.Channel();

        // The providers: one GPU each, one open bid at a time, floors of 80 to 95uchn a block.
        var floors = new Dictionary<string, ulong> { ["faker"] = 80, ["honest1"] = 90, ["honest2"] = 95 };
        var agents = new Dictionary<string, ChaindProcess>();
        foreach (var name in new[] { "honest1", "honest2", "faker" })
        {
            var config = Path.Combine(agentHome, name + ".toml");
            await File.WriteAllTextAsync(config, $"""
                node = "{node0.GrpcAddress}"
                home = "{agentHome}"
                key = "{name}"
                keyring_backend = "test"
                fee = "{Fee}uchn"
                device = "cpu"
                gpus = 1
                max_open_bids = 1
                host_uri = "https://{name}.example.com:8443"
                region = "eu-west"
                attributes = ["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/1"]
                work_bond = "{(name == "faker" ? "100chn" : "200chn")}"
                withdraw_every = 30
                poll_interval = "300ms"
                [floor_price]
                "nvidia/h100" = "{floors[name]}uchn"
                [testing]
                fake_fraction = {(name == "faker" ? "0.1" : "0")}
                """);
            agents[name] = StartAgent(name, config);
        }

        var market = new MarketQuery.QueryClient(channel);
        var work = new WorkQuery.QueryClient(channel);
        await WaitFor(async () => (await market.ProvidersAsync(new Proto.Market.QueryProvidersRequest())).Providers.Count == 3 ? true : (bool?)null, "three providers registered");

        // The tenant agent keeps three one-H100 leases, one open order at a time; each order goes to the lowest bid
        // when its bidding window closes.
        var tenant = keys[3];
        var tenantConfig = Path.Combine(agentHome, "tenant.toml");
        await File.WriteAllTextAsync(tenantConfig, $"""
            node = "{node0.GrpcAddress}"
            home = "{agentHome}"
            key = "tenant"
            keyring_backend = "test"
            fee = "{Fee}uchn"
            poll_interval = "300ms"
            budget = "4000chn"
            runway_blocks = 50
            top_up = "100chn"
            [[order]]
            gpus = 1
            gpu_model = "nvidia/h100"
            max_price = "100uchn"
            deposit = "1000chn"
            bidding_window = 15
            leases = 3
            """);
        var tenantAgent = new ChaindProcess(agentHome);
        _processes.Add(tenantAgent);
        tenantAgent.StartCommand("tenant", "run", "--config", tenantConfig);
        var winners = new List<string>();
        for (var order = 1UL; order <= 3; order++)
        {
            var id = order;
            var lease = await WaitFor(async () =>
            {
                var leases = (await market.LeasesAsync(new QueryLeasesRequest { Owner = tenant.Address })).Leases;
                return leases.FirstOrDefault(l => l.OrderId == id);
            }, $"a lease from order {order}");
            winners.Add(names[Array.FindIndex(keys, k => k.Address == lease.Provider)]);
            output.WriteLine($"order {order}: won by {winners[^1]} at {lease.PricePerBlock}uchn a block");
        }

        // Each provider serves one GPU, so the three orders went to the three of them, one each.
        Assert.Equal(["faker", "honest1", "honest2"], winners.Order());
        var leaseOf = winners.Select((w, i) => (w, Lease: (ulong)i + 1)).ToDictionary(x => x.w, x => x.Lease);
        var bids = (await market.BidsAsync(new QueryBidsRequest { OrderId = 1 })).Bids;
        Assert.True(bids.Count >= 2, $"order 1 drew {bids.Count} bids; the agents compete for each order");

        // The faker is caught: its lease closes with failed_work and its bond is slashed.
        var closed = await WaitFor(async () =>
        {
            var l = (await market.LeaseAsync(new QueryLeaseRequest { Id = leaseOf["faker"] })).Lease;
            return l.State == LeaseState.Closed ? l : null;
        }, "the faker's lease to close");
        Assert.Equal(LeaseCloseReason.FailedWork, closed.CloseReason);
        var fakerRecord = (await work.ProviderAsync(new Proto.Work.QueryProviderRequest { Provider = keys[2].Address })).Provider;
        Assert.True(fakerRecord.Failures >= 1 && fakerRecord.Slashed == 100 * Chn, fakerRecord.ToString());

        // SIGKILL honest1 as soon as one of its receipts waits for its challenge; restarted, it answers it.
        var honest1 = keys[0].Address;
        var waiting = await WaitFor(async () =>
        {
            var receipts = (await work.ReceiptsAsync(new QueryReceiptsRequest { LeaseId = leaseOf["honest1"] })).Receipts;
            return receipts.FirstOrDefault(r => r.Status is ReceiptStatus.AwaitingChallenge or ReceiptStatus.Challenged);
        }, "a receipt of honest1 waiting for its challenge");
        agents["honest1"].KillHard();
        output.WriteLine($"honest1 killed with receipt {waiting.Round} {waiting.Status}");
        agents["honest1"] = StartAgent("honest1", Path.Combine(agentHome, "honest1.toml"));
        var answered = await WaitFor(async () =>
        {
            var r = (await work.ReceiptAsync(new QueryReceiptRequest { LeaseId = leaseOf["honest1"], Round = waiting.Round })).Receipt;
            return r.Status is ReceiptStatus.Verified or ReceiptStatus.Failed ? r : null;
        }, "honest1's receipt to be resolved after the restart");
        Assert.Equal(ReceiptStatus.Verified, answered.Status);

        // Several rounds each for the honest providers, all verified.
        foreach (var name in new[] { "honest1", "honest2" })
        {
            var address = keys[Array.IndexOf(names, name)].Address;
            await WaitFor(async () => (await work.ProviderAsync(new Proto.Work.QueryProviderRequest { Provider = address })).Provider.VerifiedReceipts >= 3 ? true : (bool?)null, $"{name} to have three verified receipts");
        }

        // Stop the agents, then check every honest provider's balance against the chain's records, to the uchn.
        foreach (var agent in agents.Values.Append(tenantAgent))
        {
            agent.KillHard();
        }

        await node0.WaitForHeight((await new Proto.NodeService.Status.StatusClient(channel).GetStatusAsync(new Proto.NodeService.StatusRequest())).LatestHeight + 2, Patience);
        var marketParams = (await market.ParamsAsync(new Proto.Market.QueryParamsRequest())).Params;
        foreach (var name in new[] { "honest1", "honest2" })
        {
            var address = keys[Array.IndexOf(names, name)].Address;
            var record = (await work.ProviderAsync(new Proto.Work.QueryProviderRequest { Provider = address })).Provider;
            Assert.Equal(0UL, record.Failures);
            Assert.True(record.Rewards > 0, $"{name} earned no work reward: {record}");
            var account = (await new BankQuery.QueryClient(channel).AccountAsync(new QueryAccountRequest { Address = address })).Account;
            var paidOut = (await market.LeasesAsync(new QueryLeasesRequest { Provider = address })).Leases
                .Select(l => market.EscrowAccount(new QueryEscrowAccountRequest { Id = l.Id }).Account.PaidOut).Aggregate(0UL, (a, b) => a + b);
            var openBids = (await market.BidsAsync(new QueryBidsRequest { Provider = address, State = BidState.Open })).Bids.Count
                + (await market.BidsAsync(new QueryBidsRequest { Provider = address, State = BidState.Active })).Bids.Count;
            var expected = Funds - (account.Sequence * Fee) - marketParams.ProviderBond - record.Bond - ((ulong)openBids * marketParams.BidDeposit) + paidOut + record.Rewards;
            var balance = (await new BankQuery.QueryClient(channel).BalanceAsync(new QueryBalanceRequest { Address = address, Denom = "uchn" })).Balance.Amount;
            output.WriteLine($"{name}: {record.VerifiedReceipts} verified receipts, {paidOut}uchn withdrawn from escrow, {record.Rewards}uchn of work rewards, {account.Sequence} txs");
            Assert.Equal(expected, balance);
            Assert.True(paidOut > 0, $"{name} withdrew nothing");
        }
    }

    private ChaindProcess StartAgent(string name, string config)
    {
        var agent = new ChaindProcess(Path.Combine(_root, "agents"));
        _processes.Add(agent);
        agent.StartCommand("provider", "run", "--config", config);
        return agent;
    }

    private string GenesisPath(int i) => Path.Combine(_root, "node" + i, "config", "genesis.json");

    private async Task<T> WaitFor<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var value = await probe();
                if (value is not null)
                {
                    return value;
                }
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{what} did not happen within {Patience.TotalSeconds} s\n" + string.Join("\n---\n", _processes.Skip(4).Select(p => p.Output)));
    }
}
