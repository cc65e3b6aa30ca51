using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Bank.Params;
using Chain.Modules.Market.Keeper;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Market;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Market.Tests;

/// <summary>
/// A chain of the bank and the market composed as the node composes its chain (<see cref="ChainApp"/>), over an in-memory store, with
/// funded accounts and small market params. Blocks are executed and committed one by one; every module's
/// invariants are checked after each block.
/// </summary>
public sealed class MarketChain : IDisposable
{
    public const string ChainId = "market-test";
    public const ulong Fee = 10_000;
    public const ulong Gas = 2_000_000;

    private readonly Dictionary<int, ulong> _pending = new();

    public MarketChain(int accounts, ulong balance = 100_000_000, Proto.Market.Params? marketParams = null)
        : this(Enumerable.Range(0, accounts).Select(_ => PrivateKey.Generate()).ToArray(), balance, marketParams)
    {
    }

    /// <summary>A chain whose accounts hold <paramref name="keys"/> (fixed keys make a run repeatable: records are ordered by address).</summary>
    public MarketChain(PrivateKey[] keys, ulong balance = 100_000_000, Proto.Market.Params? marketParams = null)
    {
        Keys = keys;
        Params = marketParams ?? TestParams();
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 16 << 20, BlockMaxGas = 10_000_000_000, TxMaxBytes = 65536 },
        };
        var bank = new Proto.Bank.GenesisState { Params = BankParams.Default() };
        foreach (var key in Keys)
        {
            bank.Balances.Add(new Balance { Address = Address.ToBech32(key.Address), Coins = { new Coin { Denom = "uchn", Amount = balance } } });
        }

        AppStateSections.Set(genesis, BankModule.ModuleName, bank);
        AppStateSections.Set(genesis, MarketModule.ModuleName, new Proto.Market.GenesisState { Params = Params });
        var modules = Modules();
        Bank = ((BankModule)modules.Find(BankModule.ModuleName)!).Keeper;
        Keeper = ((MarketModule)modules.Find(MarketModule.ModuleName)!).Keeper;
        App = ChainApp.Open(new MemoryKeyValueStore(), genesis, modules);
        GenesisSupply = Supply();
    }

    /// <summary>The bank, then the market built on the bank's keeper, as the node's module catalog registers them.</summary>
    public static ModuleSet Modules() => new ModuleSet()
        .Add(_ => new BankModule())
        .Add(m => new MarketModule(m.Keeper<IBankKeeper>()));

    /// <summary>Params small enough to reach every limit in a few blocks.</summary>
    public static Proto.Market.Params TestParams() => new()
    {
        ProviderBond = 1_000,
        MinOrderDeposit = 10_000,
        BidDeposit = 500,
        OrderMaxBids = 3,
        TakeRateBps = 250,
        MinBiddingWindow = 1,
        MaxBiddingWindow = 50,
        EndBlockMaxItems = 100,
    };

    public PrivateKey[] Keys { get; }

    public Proto.Market.Params Params { get; }

    public ChainApp App { get; }

    public BankKeeper Bank { get; }

    public ulong GenesisSupply { get; }

    /// <summary>Fees charged so far; they land in the fee collector, which also receives the market's take.</summary>
    public ulong FeesPaid { get; private set; }

    /// <summary>What the market's take put in the fee collector (its balance less the fees).</summary>
    public ulong Taken => Balance(MarketAccounts.TakeRate) - FeesPaid;

    public MarketKeeper Keeper { get; }

    public IStateReader State => App.Executor.Committed;

    public ulong Height => App.Executor.LastHeight;

    /// <summary>The height the next <see cref="Commit"/> executes.</summary>
    public ulong NextHeight => Height + 1;

    public string A(int i) => Address.ToBech32(Keys[i].Address);

    public ulong Balance(int i) => Bank.GetBalance(State, Keys[i].Address, "uchn");

    public ulong Balance(byte[] address) => Bank.GetBalance(State, address, "uchn");

    public ulong Supply() => Bank.GetSupply(State, "uchn");

    public Order? Order(ulong id) => Keeper.Records.GetOrder(State, id);

    public Bid? Bid(ulong id) => Keeper.Records.GetBid(State, id);

    public Lease? Lease(ulong id) => Keeper.Records.GetLease(State, id);

    public EscrowAccount? Escrow(ulong id) => Keeper.Records.GetEscrow(State, id);

    public Provider? Provider(int i) => Keeper.Records.GetProvider(State, Keys[i].Address);

    /// <summary>A tx of <paramref name="messages"/> signed by account <paramref name="signer"/> with the next sequence of this block.</summary>
    public byte[] Tx(int signer, params IMessage[] messages)
    {
        var account = Bank.GetAccount(new ReadOnlyStateStore(State), Keys[signer].Address)!;
        _pending.TryGetValue(signer, out var pending);
        _pending[signer] = pending + 1;
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = Fee } }, GasLimit = Gas };
        return TxFactory.Sign(Keys[signer], ChainId, account.AccountNumber, account.Sequence + pending, fee, messages).ToByteArray();
    }

    /// <summary>Executes and commits a block of raw txs; fails the test when an invariant breaks.</summary>
    public BlockResults Commit(params byte[][] txs)
    {
        var block = new Block
        {
            Header = new Header { ChainId = ChainId, Height = NextHeight, TimeUnixNanos = (long)NextHeight * 1_000_000_000 },
            Data = new Data(),
        };
        foreach (var tx in txs)
        {
            block.Data.Txs.Add(ByteString.CopyFrom(tx));
        }

        using var execution = App.Executor.Execute(block);
        App.Executor.Commit(execution, new Commit { Height = block.Header.Height });
        foreach (var r in execution.Results.Results)
        {
            if (r.Codespace != TxCodes.Codespace)
            {
                FeesPaid += Fee; // the ante handler charged it
            }
        }

        _pending.Clear();
        var broken = App.Executor.CheckInvariants();
        Assert.True(broken.Count == 0, string.Join("\n", broken));
        Assert.Equal(GenesisSupply, Supply());
        return execution.Results;
    }

    /// <summary>Commits one tx and asserts it succeeded; returns its result.</summary>
    public TxResult Ok(int signer, params IMessage[] messages)
    {
        var r = Commit(Tx(signer, messages)).Results[0];
        Assert.True(r.Code == 0, $"expected success, got code {r.Code} ({r.Codespace}): {r.Log}");
        return r;
    }

    /// <summary>Commits empty blocks until <paramref name="height"/> is committed.</summary>
    public void CommitUntil(ulong height)
    {
        while (Height < height)
        {
            Commit();
        }
    }

    /// <summary>Every key and value under "market/" in committed state.</summary>
    public string MarketDump() =>
        string.Join('\n', State.IteratePrefix(MarketKeys.ModulePrefix).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));

    /// <summary>Every uchn balance, by address.</summary>
    public Dictionary<string, ulong> Balances() =>
        Bank.AllBalances(State).Where(b => b.Denom == "uchn").ToDictionary(b => Address.ToBech32(b.Address), b => b.Amount);

    public static string FeeCollector => Address.ToBech32(BankKeeper.FeeCollector);

    public void Dispose() => App.Dispose();

    // Message builders

    public static readonly string[] H100Attributes = ["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8", "cpu/millicores/64000", "memory/mib/524288"];

    public MsgCreateProvider CreateProvider(int i, string region = "eu-west", params string[] attributes)
    {
        var m = new MsgCreateProvider { Owner = A(i), HostUri = $"https://provider{i}.example.com:8443", Region = region };
        m.Attributes.AddRange(attributes.Length == 0 ? H100Attributes : attributes);
        return m;
    }

    public static Resources TwoH100s() => new() { GpuCount = 2, GpuModel = "nvidia/h100", MinVramGi = 80, CpuMillicores = 16_000, MemoryMib = 131_072 };

    public MsgCreateOrder CreateOrder(int i, ulong maxPrice = 1_000, ulong window = 5, ulong deposit = 20_000, Resources? resources = null) =>
        new() { Owner = A(i), Resources = resources ?? TwoH100s(), MaxPricePerBlock = maxPrice, BiddingWindowBlocks = window, Deposit = deposit };

    public MsgCreateBid CreateBid(int i, ulong orderId, ulong price) => new() { Provider = A(i), OrderId = orderId, PricePerBlock = price };
}
