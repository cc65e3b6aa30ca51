using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Market;
using Chain.Modules.Market.Events;
using Chain.Modules.Market.Genesis;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Params;
using Chain.Node.App;
using Chain.Proto.Market;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Bench;

/// <summary>
/// The market's EndBlock over a RocksDB state holding <see cref="ActiveLeases"/> active leases (with their orders,
/// bids, escrow accounts and indexes, written as genesis state) of which <see cref="Due"/> run out at the measured
/// height. Each invocation runs EndBlock on a fresh block cache over the same committed state: it finds the due
/// leases through the run-out queue, settles them, pays providers and take, refunds tenants and closes every
/// record. The cost should follow <see cref="Due"/>, not <see cref="ActiveLeases"/>.
/// </summary>
[Config(typeof(Config))]
public class MarketEndBlockBenchmarks
{
    public const ulong Height = 100;
    private const ulong Rate = 1_000;
    private const int Providers = 100;
    private const int Tenants = 1_000;

    private BenchStore? _store;
    private MarketKeeper _keeper = null!;
    private CommittedState _committed = null!;

    [Params(10_000, 100_000)]
    public int ActiveLeases { get; set; }

    [Params(10, 100, 1_000)]
    public int Due { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = BenchStore.Create(Backend.RocksDb);
        var modules = ModuleCatalog.Create();
        var bank = ((BankModule)modules.Find(BankModule.ModuleName)!).Keeper;
        _keeper = ((MarketModule)modules.Find(MarketModule.ModuleName)!).Keeper;
        _committed = new CommittedState(_store.Store);
        var cache = new CacheState(_committed);
        var genesis = Workload(ActiveLeases, Due, out var held);
        var r = MarketGenesis.Import(_keeper, cache, genesis);
        if (!r.IsOk)
        {
            throw new InvalidOperationException(r.Log);
        }

        bank.Mint(cache, MarketAccounts.Escrow, new Coin { Denom = "uchn", Amount = held });
        using (var batch = _store.Store.CreateBatch())
        {
            CommittedState.StageWrites(0, cache.SortedWrites(), batch);
            _store.Store.Write(batch, sync: false);
        }

        // Validation: exactly the due leases close, and nothing else happens.
        var events = new EventSink();
        _keeper.EndBlock(new MsgContext(new CacheState(_committed), new BlockInfo("bench", Height, 0, []), new GasMeter(ulong.MaxValue), events));
        var closed = events.Events.Count(e => e.Type == MarketEvents.LeaseClosed);
        if (closed != Due)
        {
            throw new InvalidOperationException($"EndBlock closed {closed} leases, expected {Due}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store?.Dispose();

    [Benchmark(Description = "EndBlock")]
    public int EndBlock()
    {
        var cache = new CacheState(_committed);
        _keeper.EndBlock(new MsgContext(cache, new BlockInfo("bench", Height, 0, []), new GasMeter(ulong.MaxValue), new EventSink()));
        return cache.DirtyCount;
    }

    /// <summary>
    /// Genesis market state: <paramref name="leases"/> active leases at <see cref="Rate"/> per block from height 0;
    /// the first <paramref name="due"/> hold exactly enough for <see cref="Height"/> blocks (plus a remainder),
    /// the others run out at distinct later heights. <paramref name="held"/> is what the escrow module account must hold.
    /// </summary>
    public static GenesisState Workload(int leases, int due, out ulong held)
    {
        var providers = Enumerable.Range(0, Providers).Select(i => Address.ToBech32(TransferWorkload.Key(1_000_000 + i).Address)).ToArray();
        var tenants = Enumerable.Range(0, Tenants).Select(i => Address.ToBech32(TransferWorkload.Key(2_000_000 + i).Address)).ToArray();
        var p = MarketParams.Default();
        p.EndBlockMaxItems = (uint)Math.Max(due, 1); // every due lease in the measured block
        var genesis = new GenesisState { Params = p };
        held = 0;
        foreach (var owner in providers)
        {
            var provider = new Provider { Owner = owner, HostUri = "https://provider.example.com", Region = "eu-west", Bond = p.ProviderBond };
            provider.Attributes.Add("gpu/vendor/nvidia/model/h100/ram/80Gi");
            provider.Attributes.Add("gpu/count/8");
            genesis.Providers.Add(provider);
            held += p.ProviderBond;
        }

        var resources = new Resources { GpuCount = 2, GpuModel = "nvidia/h100", MinVramGi = 80 };
        for (var i = 0; i < leases; i++)
        {
            var id = (ulong)i + 1;
            var tenant = tenants[i % Tenants];
            var provider = providers[i % Providers];
            var balance = i < due ? (Rate * Height) + 7 : Rate * (Height + 1 + (ulong)i);
            genesis.Orders.Add(new Order { Id = id, Owner = tenant, Resources = resources, MaxPricePerBlock = 2 * Rate, State = OrderState.Active, WinningBidId = id });
            genesis.Bids.Add(new Bid { Id = id, OrderId = id, Provider = provider, PricePerBlock = Rate, Deposit = p.BidDeposit, State = BidState.Active });
            genesis.Leases.Add(new Lease { Id = id, OrderId = id, BidId = id, Tenant = tenant, Provider = provider, PricePerBlock = Rate, State = LeaseState.Active });
            var escrow = new EscrowAccount
            {
                Id = id, Owner = tenant, Provider = provider, Rate = Rate, Balance = balance, Deposited = balance, State = EscrowState.Open,
            };
            escrow.Deposits.Add(new EscrowDeposit { Depositor = tenant, Remaining = balance });
            genesis.EscrowAccounts.Add(escrow);
            held += balance + p.BidDeposit;
        }

        return genesis;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median);
    }
}
