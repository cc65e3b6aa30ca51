using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Params;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Market;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Bench;

/// <summary>
/// Executing block 1 of 1,000 signed market txs on a chain opened fresh (RocksDB, empty signature cache) for every
/// iteration, like <see cref="BlockExecutionBenchmarks"/>. Bid: 1,000 registered providers each bid on one of 50 open
/// orders (20 bids per order, the default order_max_bids). Lease: 1,000 tenants each accept the one bid on their
/// order, forming 1,000 leases. Send: the bid workload's 1,000 providers each send 1uchn instead, a baseline measured
/// under the same conditions. Figures are per tx; Op/s is txs per second.
/// </summary>
[Config(typeof(Config))]
public class MarketTxBenchmarks
{
    public const int Txs = 1_000;
    private const int BidOrders = 50;

    private GenesisDoc _genesis = null!;
    private Block _block = null!;
    private BenchStore? _store;
    private ChainApp? _app;
    private BlockExecution? _last;

    [Params("send", "bid", "lease")]
    public string Kind { get; set; } = "bid";

    [GlobalSetup]
    public void Setup()
    {
        (_genesis, _block) = Kind switch
        {
            "send" => BidWorkload(send: true),
            "bid" => BidWorkload(send: false),
            _ => LeaseWorkload(),
        };
        Fresh();
        var execution = _app!.Executor.Execute(_block);
        AssertAllOk(execution);
        Close();
    }

    [IterationSetup]
    public void Fresh()
    {
        _store = BenchStore.Create(Backend.RocksDb);
        _app = ChainApp.Open(_store.Store, _genesis, ModuleCatalog.Create());
        _last = null;
    }

    [IterationCleanup]
    public void Close()
    {
        if (_last is not null)
        {
            AssertAllOk(_last);
        }

        _last?.Dispose();
        _app?.Dispose();
        _store?.Dispose();
        _app = null;
        _store = null;
    }

    [Benchmark(Description = "Execute", OperationsPerInvoke = Txs)]
    public BlockExecution Execute() => _last = _app!.Executor.Execute(_block);

    private static PrivateKey Provider(int i) => TransferWorkload.Key(3_000_000 + i);

    private static PrivateKey Tenant(int i) => TransferWorkload.Key(4_000_000 + i);

    private static (GenesisDoc, Block) BidWorkload(bool send)
    {
        var providers = new PrivateKey[Txs];
        Parallel.For(0, Txs, i => providers[i] = Provider(i));
        var tenants = Enumerable.Range(0, BidOrders).Select(Tenant).ToArray();
        var (genesis, market) = Genesis([.. providers, .. tenants], providers);
        for (var o = 0; o < BidOrders; o++)
        {
            AddOpenOrder(genesis, market, (ulong)o + 1, tenants[o]);
        }

        var numbers = AccountNumbers(genesis, market, providers);
        var txs = new ByteString[Txs];
        Parallel.For(0, Txs, i =>
        {
            IMessage msg = send
                ? new MsgSend { FromAddress = Address.ToBech32(providers[i].Address), ToAddress = Address.ToBech32(providers[(i + 1) % Txs].Address), Amount = { new Coin { Denom = "uchn", Amount = 1 } } }
                : new MsgCreateBid { Provider = Address.ToBech32(providers[i].Address), OrderId = (ulong)(i % BidOrders) + 1, PricePerBlock = 500 + (ulong)i };
            txs[i] = TxFactory.Sign(providers[i], TransferWorkload.ChainId, numbers[i], 0, Fee(), [msg]).ToByteString();
        });
        return (genesis, Block(txs));
    }

    private static (GenesisDoc, Block) LeaseWorkload()
    {
        var providers = Enumerable.Range(0, 100).Select(Provider).ToArray();
        var tenants = new PrivateKey[Txs];
        Parallel.For(0, Txs, i => tenants[i] = Tenant(i));
        var (genesis, market) = Genesis([.. providers, .. tenants], providers);
        for (var i = 0; i < Txs; i++)
        {
            var id = (ulong)i + 1;
            AddOpenOrder(genesis, market, id, tenants[i]);
            var bidDeposit = market.Params.BidDeposit;
            market.Bids.Add(new Bid { Id = id, OrderId = id, Provider = Address.ToBech32(providers[i % providers.Length].Address), PricePerBlock = 900, Deposit = bidDeposit, State = BidState.Open });
            Fund(genesis, MarketAccounts.Escrow, bidDeposit);
        }

        var numbers = AccountNumbers(genesis, market, tenants);
        var txs = new ByteString[Txs];
        Parallel.For(0, Txs, i =>
        {
            var msg = new MsgCreateLease { Tenant = Address.ToBech32(tenants[i].Address), BidId = (ulong)i + 1 };
            txs[i] = TxFactory.Sign(tenants[i], TransferWorkload.ChainId, numbers[i], 0, Fee(), [msg]).ToByteString();
        });
        return (genesis, Block(txs));
    }

    private static (GenesisDoc, Proto.Market.GenesisState) Genesis(PrivateKey[] funded, PrivateKey[] providers)
    {
        var genesis = TransferWorkload.CreateGenesis(funded);
        var market = new Proto.Market.GenesisState { Params = MarketParams.Default() };
        foreach (var key in providers)
        {
            var p = new Proto.Market.Provider { Owner = Address.ToBech32(key.Address), HostUri = "https://provider.example.com", Region = "eu-west", Bond = market.Params.ProviderBond };
            p.Attributes.AddRange(["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8"]);
            market.Providers.Add(p);
            Fund(genesis, MarketAccounts.Escrow, p.Bond);
        }

        return (genesis, market);
    }

    private static void AddOpenOrder(GenesisDoc genesis, Proto.Market.GenesisState market, ulong id, PrivateKey tenant)
    {
        var owner = Address.ToBech32(tenant.Address);
        const ulong deposit = 10_000_000;
        market.Orders.Add(new Order
        {
            Id = id, Owner = owner, Resources = new Resources { GpuCount = 2, GpuModel = "nvidia/h100", MinVramGi = 80 },
            MaxPricePerBlock = 10_000, BiddingClosesHeight = 1_000, State = OrderState.Open,
        });
        var escrow = new EscrowAccount { Id = id, Owner = owner, Balance = deposit, Deposited = deposit, State = EscrowState.Open };
        escrow.Deposits.Add(new EscrowDeposit { Depositor = owner, Remaining = deposit });
        market.EscrowAccounts.Add(escrow);
        Fund(genesis, MarketAccounts.Escrow, deposit);
    }

    /// <summary>Adds to an address's genesis uchn balance (the escrow module account holds what the records hold).</summary>
    private static void Fund(GenesisDoc genesis, byte[] address, ulong amount)
    {
        var text = Address.ToBech32(address);
        AppStateSections.Update<Proto.Bank.GenesisState>(genesis, BankModule.ModuleName, bank =>
        {
            var balance = bank.Balances.FirstOrDefault(b => b.Address == text);
            if (balance is null)
            {
                balance = new Balance { Address = text, Coins = { new Coin { Denom = "uchn", Amount = 0 } } };
                bank.Balances.Add(balance);
            }

            balance.Coins[0].Amount += amount;
        });
    }

    /// <summary>The account numbers of <paramref name="keys"/> once <paramref name="genesis"/> (with <paramref name="market"/> as its market section) is written.</summary>
    private static ulong[] AccountNumbers(GenesisDoc genesis, Proto.Market.GenesisState market, PrivateKey[] keys)
    {
        AppStateSections.Set(genesis, MarketModule.ModuleName, market);
        using var app = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create());
        var store = new Chain.State.Store.ReadOnlyStateStore(app.Executor.Committed);
        return keys.Select(k => app.Modules.Keeper<BankKeeper>().GetAccount(store, k.Address)!.AccountNumber).ToArray();
    }

    private static Fee Fee() => new() { GasLimit = 1_000_000, Amount = { new Coin { Denom = "uchn", Amount = 10 } } };

    private static Block Block(ByteString[] txs)
    {
        var block = new Block
        {
            Header = new Header { ChainId = TransferWorkload.ChainId, Height = 1, TimeUnixNanos = TransferWorkload.BlockTime, ProposerAddress = ByteString.CopyFrom(TransferWorkload.Key(-1).Address) },
            Data = new Data(),
            Evidence = new EvidenceList(),
            LastCommit = new Commit(),
        };
        block.Data.Txs.AddRange(txs);
        return block;
    }

    private static void AssertAllOk(BlockExecution execution)
    {
        foreach (var r in execution.Results.Results)
        {
            if (r.Code != 0)
            {
                throw new InvalidOperationException($"tx {r.Index} failed: code {r.Code} ({r.Codespace}): {r.Log}");
            }
        }

        if (execution.Results.Results.Count != Txs)
        {
            throw new InvalidOperationException($"expected {Txs} results, got {execution.Results.Results.Count}");
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, StatisticColumn.OperationsPerSecond);
    }
}
