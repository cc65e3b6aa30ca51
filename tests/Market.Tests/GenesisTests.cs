using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Market.Genesis;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Params;
using Chain.Proto.Genesis;
using Chain.Proto.Market;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;

namespace Chain.Modules.Market.Tests;

public sealed class GenesisTests
{
    private static GenesisDoc Genesis(Proto.Market.GenesisState market)
    {
        var genesis = new GenesisDoc { ChainId = "g", InitialHeight = 1 };
        AppStateSections.Set(genesis, BankModule.ModuleName, BankGenesis.Default());
        AppStateSections.Set(genesis, MarketModule.ModuleName, market);
        return genesis;
    }

    private static ChainApp Open(GenesisDoc genesis) => ChainApp.Open(new MemoryKeyValueStore(), genesis, MarketChain.Modules());

    [Fact]
    public void Default_market_section_writes_the_default_params()
    {
        var modules = MarketChain.Modules();
        var genesis = new GenesisDoc { ChainId = "g", InitialHeight = 1 };
        genesis.AppState.AddRange(modules.DefaultAppState());
        using var app = ChainApp.Open(new MemoryKeyValueStore(), genesis, modules);
        var keeper = ((MarketModule)modules.Find(MarketModule.ModuleName)!).Keeper;
        Assert.Equal(MarketParams.Default(), keeper.Records.GetParams(app.Executor.Committed));
    }

    [Fact]
    public void Genesis_without_a_market_section_is_refused_naming_it()
    {
        var genesis = Genesis(new Proto.Market.GenesisState { Params = MarketParams.Default() });
        genesis.AppState.RemoveAt(1);
        var e = Assert.Throws<GenesisStateException>(() => Open(genesis));
        Assert.Contains("app_state.market: the section is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Genesis_with_a_section_of_a_module_the_chain_lacks_is_refused_naming_it()
    {
        var genesis = Genesis(new Proto.Market.GenesisState { Params = MarketParams.Default() });
        genesis.AppState.Add(new ModuleGenesis { Module = "oracle" });
        var e = Assert.Throws<GenesisStateException>(() => Open(genesis));
        Assert.Contains("app_state.oracle: this chain has no module named 'oracle'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_rate_above_100_percent_is_refused_with_its_code()
    {
        var p = MarketParams.Default();
        p.TakeRateBps = 10_001;
        var e = Assert.Throws<GenesisStateException>(() => Open(Genesis(new Proto.Market.GenesisState { Params = p })));
        Assert.Contains("take_rate_bps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bid_on_an_order_genesis_does_not_have_is_refused()
    {
        var market = new Proto.Market.GenesisState { Params = MarketParams.Default() };
        market.Bids.Add(new Bid { Id = 1, OrderId = 9, Provider = Address.ToBech32(PrivateKey.Generate().Address), State = BidState.Open });
        var e = Assert.Throws<GenesisStateException>(() => Open(Genesis(market)));
        Assert.Contains("app_state.market.bids[0]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_order_that_would_never_reach_its_bidding_close_is_refused()
    {
        var market = new Proto.Market.GenesisState { Params = MarketParams.Default() };
        market.Orders.Add(new Order { Id = 1, Owner = Address.ToBech32(PrivateKey.Generate().Address), Resources = new Resources { GpuCount = 1, GpuModel = "*" }, State = OrderState.Open });
        var e = Assert.Throws<GenesisStateException>(() => Open(Genesis(market)));
        Assert.Contains("bidding_closes_height", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_then_import_rebuilds_the_same_market_state()
    {
        using var chain = new MarketChain(4);
        chain.Commit(chain.Tx(1, chain.CreateProvider(1)), chain.Tx(2, chain.CreateProvider(2)), chain.Tx(0, chain.CreateOrder(0, window: 3)), chain.Tx(0, chain.CreateOrder(0, window: 30)));
        chain.Commit(chain.Tx(1, chain.CreateBid(1, 1, 700)), chain.Tx(2, chain.CreateBid(2, 1, 600)), chain.Tx(2, chain.CreateBid(2, 2, 900)));
        chain.CommitUntil(6);

        var exported = MarketGenesis.Export(chain.Keeper, chain.State, height: 0); // nothing rebased
        Assert.Equal(2, exported.Orders.Count);
        Assert.Single(exported.Leases);

        // Import into a fresh chain with the bank balances of the original: same market keys, indexes included.
        var genesis = Genesis(exported);
        AppStateSections.Set(genesis, BankModule.ModuleName, BankGenesis.Export(chain.Bank, chain.State));
        using var copy = Open(genesis);
        var original = chain.MarketDump();
        var imported = string.Join('\n', copy.Executor.Committed.IteratePrefix(MarketKeys.ModulePrefix).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));
        Assert.Equal(original, imported);
        Assert.Empty(copy.Executor.CheckInvariants());
    }

    [Fact]
    public void Exported_chain_runs_on_from_height_1_as_the_old_chain_runs_on_from_its_last_height()
    {
        using var chain = new MarketChain(4);
        chain.Commit(chain.Tx(1, chain.CreateProvider(1)), chain.Tx(2, chain.CreateProvider(2)), chain.Tx(0, chain.CreateOrder(0, window: 3)), chain.Tx(0, chain.CreateOrder(0, window: 30)));
        chain.Commit(chain.Tx(1, chain.CreateBid(1, 1, 700)), chain.Tx(2, chain.CreateBid(2, 1, 600)), chain.Tx(2, chain.CreateBid(2, 2, 900)));
        chain.CommitUntil(6);
        Assert.Equal(LeaseState.Active, chain.Lease(1)!.State);
        Assert.Equal(OrderState.Open, chain.Order(2)!.State);

        // A new chain from the state after block 6: its height h is the old chain's 6 + h.
        const ulong exportedAt = 6;
        var genesis = chain.App.Export([], "2026-11-26T00:00:00Z");
        var market = AppStateSections.Get<Proto.Market.GenesisState>(genesis, MarketModule.ModuleName);
        Assert.Equal(chain.Order(2)!.BiddingClosesHeight - exportedAt, market.Orders.Single(o => o.Id == 2).BiddingClosesHeight);
        Assert.Equal(0UL, market.EscrowAccounts.Single(e => e.Id == 1).SettledHeight);
        var modules = MarketChain.Modules();
        using var copy = ChainApp.Open(new MemoryKeyValueStore(), genesis, modules);
        Assert.Empty(copy.CheckInvariants());

        // Both run 40 more blocks: order 2 matches at its window's close and lease 1 runs out of funds on both,
        // at the same relative heights, and every balance ends the same to the uchn.
        chain.CommitUntil(exportedAt + 40);
        for (ulong h = 1; h <= 40; h++)
        {
            var block = new Proto.Types.Block { Header = new Proto.Types.Header { ChainId = MarketChain.ChainId, Height = h, TimeUnixNanos = (long)h * 1_000_000_000 }, Data = new Proto.Types.Data() };
            using var execution = copy.Executor.Execute(block);
            copy.Executor.Commit(execution, new Proto.Types.Commit { Height = h });
            Assert.Empty(copy.CheckInvariants());
        }

        var copyKeeper = ((MarketModule)modules.Find(MarketModule.ModuleName)!).Keeper;
        var copyBank = ((BankModule)modules.Find(BankModule.ModuleName)!).Keeper;
        foreach (var id in new ulong[] { 1, 2 })
        {
            var before = chain.Lease(id)!;
            var after = copyKeeper.Records.GetLease(copy.Executor.Committed, id)!;
            Assert.Equal(before.State, after.State);
            Assert.Equal(before.CloseReason, after.CloseReason);
            Assert.Equal(before.ClosedHeight == 0 ? 0 : before.ClosedHeight - exportedAt, after.ClosedHeight);
        }

        Assert.Equal(LeaseState.InsufficientFunds, chain.Lease(1)!.State);
        var balances = copyBank.AllBalances(copy.Executor.Committed).Where(b => b.Denom == "uchn").ToDictionary(b => Address.ToBech32(b.Address), b => b.Amount);
        Assert.Equal(chain.Balances(), balances);
    }
}
