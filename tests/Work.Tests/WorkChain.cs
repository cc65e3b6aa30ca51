using System.Security.Cryptography;
using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Bank.Params;
using Chain.Modules.Market;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Staking;
using Chain.Modules.Staking.Genesis;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Staking.Params;
using Chain.Modules.Work.Keeper;
using Chain.Modules.Work.Kernels;
using Chain.Modules.Work.Params;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Market;
using Chain.Proto.Types;
using Chain.Proto.Work;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Modules.Work.Tests;

/// <summary>
/// The bank, staking, the market and the work module composed as the node composes them, over an in-memory store.
/// Each block's header names the previous block's hash (SHA-256 of its height, so challenges differ block by block)
/// and a proposer (<see cref="Proposer"/>); every invariant is checked after each block. Account 0 is the provider,
/// account 1 the tenant; small params reach every deadline in a few blocks.
/// </summary>
public sealed class WorkChain : IDisposable
{
    public const string ChainId = "work-test";
    public const ulong Fee = 1_000;
    public const ulong Gas = 50_000_000;
    public const int ProviderKey = 0;
    public const int TenantKey = 1;

    private readonly Dictionary<int, ulong> _pending = new();

    public WorkChain(int accounts = 4, Action<Proto.Work.Params>? configure = null, string workRewardShare = "0", int seed = 1)
    {
        var random = new Random(seed);
        Keys = Enumerable.Range(0, accounts).Select(_ => Key(random)).ToArray();
        ConsensusKeys = Enumerable.Range(0, accounts).Select(_ => Key(random)).ToArray();
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 16 << 20, BlockMaxGas = 100_000_000_000, TxMaxBytes = 1 << 20 },
        };
        var bank = new Proto.Bank.GenesisState { Params = BankParams.Default() };
        foreach (var key in Keys)
        {
            bank.Balances.Add(new Balance { Address = Address.ToBech32(key.Address), Coins = { new Coin { Denom = "uchn", Amount = 1_000_000_000_000 } } });
        }

        AppStateSections.Set(genesis, BankModule.ModuleName, bank);
        var staking = StakingGenesis.Default();
        if (workRewardShare == "0")
        {
            StakingParams.DisableMinting(staking);
        }
        else
        {
            staking.Mint.Params.InflationMin = "0.10";
            staking.Mint.Params.InflationMax = "0.10";
            staking.Mint.Minter.Inflation = "0.10";
            staking.Mint.Params.WorkRewardShare = workRewardShare;
        }

        AppStateSections.Set(genesis, StakingModule.ModuleName, staking);
        AppStateSections.Set(genesis, MarketModule.ModuleName, new Proto.Market.GenesisState
        {
            Params = new Proto.Market.Params { ProviderBond = 1_000, MinOrderDeposit = 10_000, BidDeposit = 500, OrderMaxBids = 5, TakeRateBps = 0, MinBiddingWindow = 1, MaxBiddingWindow = 50, EndBlockMaxItems = 100 },
        });
        Params = TestParams();
        configure?.Invoke(Params);
        AppStateSections.Set(genesis, WorkModule.ModuleName, new Proto.Work.GenesisState { Params = Params, Rewards = new RewardPool() });
        var modules = Modules();
        Bank = ((BankModule)modules.Find(BankModule.ModuleName)!).Keeper;
        Market = ((MarketModule)modules.Find(MarketModule.ModuleName)!).Keeper;
        Staking = (StakingModule)modules.Find(StakingModule.ModuleName)!;
        Work = ((WorkModule)modules.Find(WorkModule.ModuleName)!).Keeper;
        App = ChainApp.Open(new MemoryKeyValueStore(), genesis, modules);
    }

    public static ModuleSet Modules() => new ModuleSet()
        .Add(_ => new BankModule())
        .Add(m => new StakingModule(m.Keeper<IBankKeeper>()))
        .Add(m => new MarketModule(m.Keeper<IBankKeeper>()))
        .Add(m => new WorkModule(m.Keeper<IBankKeeper>(), m.Keeper<MarketKeeper>(), m.Keeper<IWorkRewards>()));

    /// <summary>n = 32, tiles of 8, 8 samples, 16 rows per GPU; a receipt every 40 blocks; challenge 2 blocks later; 3 blocks to answer; disputes within 4.</summary>
    public static Proto.Work.Params TestParams()
    {
        var p = WorkParams.Default();
        p.N = 32;
        p.TileWidth = 8;
        p.Samples = 8;
        p.ModelRows.Clear();
        p.DefaultRowsPerGpu = 16;
        p.ReceiptInterval = 40;
        p.ChallengeDelay = 2;
        p.ResponseDeadline = 3;
        p.DisputeWindow = 4;
        p.BondPerLease = 1_000_000;
        p.SlashTenantShare = "0.25";
        return p;
    }

    private static PrivateKey Key(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] = 1;
        return PrivateKey.FromBytes(bytes);
    }

    public PrivateKey[] Keys { get; }

    public PrivateKey[] ConsensusKeys { get; }

    public Proto.Work.Params Params { get; }

    public ChainApp App { get; }

    public BankKeeper Bank { get; }

    public MarketKeeper Market { get; }

    public StakingModule Staking { get; }

    public WorkKeeper Work { get; }

    public IStateReader State => App.Executor.Committed;

    public ulong Height => App.Executor.LastHeight;

    public ulong NextHeight => Height + 1;

    /// <summary>The consensus address the next blocks name as proposer.</summary>
    public byte[] Proposer { get; set; } = new byte[20];

    public string A(int i) => Address.ToBech32(Keys[i].Address);

    public ulong Balance(int i) => Bank.GetBalance(State, Keys[i].Address, "uchn");

    public ulong Balance(byte[] address) => Bank.GetBalance(State, address, "uchn");

    public static byte[] BlockHash(ulong height) => SHA256.HashData(BitConverter.GetBytes(height));

    public LeaseWork? LeaseWork(ulong lease) => Work.Records.GetLease(State, lease);

    public Receipt? Receipt(ulong lease, ulong round) => Work.Records.GetReceipt(State, lease, round);

    public ProviderWork? ProviderWork(int i) => Work.Records.GetProvider(State, Keys[i].Address);

    public Lease? Lease(ulong id) => Market.Records.GetLease(State, id);

    public byte[] Tx(int signer, params IMessage[] messages)
    {
        var account = Bank.GetAccount(new ReadOnlyStateStore(State), Keys[signer].Address)!;
        _pending.TryGetValue(signer, out var pending);
        _pending[signer] = pending + 1;
        var fee = new Fee { Amount = { new Coin { Denom = "uchn", Amount = Fee } }, GasLimit = Gas };
        return TxFactory.Sign(Keys[signer], ChainId, account.AccountNumber, account.Sequence + pending, fee, messages).ToByteArray();
    }

    public BlockResults Commit(params byte[][] txs)
    {
        var height = NextHeight;
        var block = new Block
        {
            Header = new Header
            {
                ChainId = ChainId, Height = height, TimeUnixNanos = (long)height * 1_000_000_000,
                LastBlockId = new BlockId { Hash = ByteString.CopyFrom(BlockHash(height - 1)) },
                ProposerAddress = ByteString.CopyFrom(Proposer),
            },
            Data = new Data(),
        };
        foreach (var tx in txs)
        {
            block.Data.Txs.Add(ByteString.CopyFrom(tx));
        }

        using var execution = App.Executor.Execute(block);
        App.Executor.Commit(execution, new Commit { Height = height });
        _pending.Clear();
        var broken = App.Executor.CheckInvariants();
        Assert.True(broken.Count == 0, string.Join("\n", broken));
        return execution.Results;
    }

    public TxResult Ok(int signer, params IMessage[] messages)
    {
        var r = Commit(Tx(signer, messages)).Results[0];
        Assert.True(r.Code == 0, $"expected success, got code {r.Code} ({r.Codespace}): {r.Log}");
        return r;
    }

    /// <summary>Commits one tx that must fail with work/<paramref name="code"/> and change nothing of the work module's state.</summary>
    public TxResult Refused(int signer, uint code, params IMessage[] messages)
    {
        var before = Dump();
        var r = Commit(Tx(signer, messages)).Results[0];
        Assert.True(r.Codespace == WorkErrors.Codespace && r.Code == code, $"expected work/{code}, got {r.Codespace}/{r.Code}: {r.Log}");
        Assert.Equal(before, Dump());
        return r;
    }

    public void CommitUntil(ulong height)
    {
        while (Height < height)
        {
            Commit();
        }
    }

    /// <summary>Every work record (not the queue, which moves with every block).</summary>
    public string Dump() => string.Join('\n', State.IteratePrefix(WorkKeys.ModulePrefix)
        .Where(kv => kv.Key[WorkKeys.ModulePrefix.Length] is (byte)'P' or (byte)'L' or (byte)'R' or (byte)'p')
        .Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));

    /// <summary>
    /// Provider <paramref name="provider"/> registers with <paramref name="gpus"/> GPUs and a bond for two leases, tenant
    /// <paramref name="tenant"/> orders, the provider bids and the tenant accepts; commits until the lease's first round
    /// is open. Returns the lease id.
    /// </summary>
    public ulong OpenLease(int provider = ProviderKey, int tenant = TenantKey, uint gpus = 1)
    {
        if (Market.Records.GetProvider(State, Keys[provider].Address) is null)
        {
            var create = new MsgCreateProvider { Owner = A(provider), HostUri = "https://gpu.example.com:8443", Region = "eu-west" };
            create.Attributes.AddRange(["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8"]);
            Ok(provider, create);
            Ok(provider, new MsgDepositWorkBond { Provider = A(provider), Amount = 4 * Params.BondPerLease });
        }

        var orderId = Market.Records.PeekNextId(State, MarketKeys.NextOrderId);
        Ok(tenant, new MsgCreateOrder
        {
            Owner = A(tenant), Resources = new Resources { GpuCount = gpus, GpuModel = "nvidia/h100" }, MaxPricePerBlock = 100, BiddingWindowBlocks = 20, Deposit = 1_000_000,
        });
        var bidId = Market.Records.PeekNextId(State, MarketKeys.NextBidId);
        Ok(provider, new MsgCreateBid { Provider = A(provider), OrderId = orderId, PricePerBlock = 100 });
        Ok(tenant, new MsgCreateLease { Tenant = A(tenant), BidId = bidId });
        Commit();
        Assert.Equal(1UL, LeaseWork(orderId)!.Round);
        return orderId;
    }

    /// <summary>The honest receipt of the lease's open round (seeded), with every leaf hash for openings.</summary>
    public (MsgSubmitReceipt Msg, List<byte[]> Leaves) HonestReceipt(ulong lease, int signer = ProviderKey, Func<long, byte[], byte[]>? tamper = null)
    {
        var work = LeaseWork(lease)!;
        var spec = work.Spec;
        var shape = new WorkloadShape((int)spec.Rows, (int)spec.N, (int)spec.TileWidth);
        using var inputs = new SeededMatrices(spec.Seed.Span, shape.N);
        var leaves = new List<byte[]>();
        for (long t = 0; t < shape.TileCount; t++)
        {
            var bytes = TileBytes(inputs, shape, t);
            leaves.Add(MerkleTree.LeafHash(tamper is null ? bytes : tamper(t, bytes)));
        }

        var msg = new MsgSubmitReceipt
        {
            Provider = A(signer), LeaseId = lease, Round = work.Round, Spec = spec, OutputRoot = ByteString.CopyFrom(MerkleTree.RootOfLeafHashes(leaves)),
            WorkUnits = 2UL * spec.Rows * spec.N * spec.N, Telemetry = new Telemetry { GpuModel = "nvidia/h100", Driver = "test", KernelMicros = 1 },
        };
        return (msg, leaves);
    }

    public static byte[] TileBytes(SeededMatrices inputs, WorkloadShape shape, long t) =>
        TileKernel.LeafBytes(TileKernel.SeededTile(inputs, shape, t / shape.TilesPerRow, (int)(t % shape.TilesPerRow)));

    /// <summary>The response opening the receipt's challenged tiles, their values from <paramref name="values"/> (default: the true ones).</summary>
    public MsgChallengeResponse Response(Receipt receipt, List<byte[]> leaves, Func<long, byte[], byte[]>? values = null, int signer = ProviderKey)
    {
        var shape = new WorkloadShape((int)receipt.Spec.Rows, (int)receipt.Spec.N, (int)receipt.Spec.TileWidth);
        using var inputs = new SeededMatrices(receipt.Spec.Seed.Span, shape.N);
        var msg = new MsgChallengeResponse { Provider = A(signer), LeaseId = receipt.LeaseId, Round = receipt.Round };
        foreach (var index in receipt.ChallengedTiles)
        {
            var t = (long)index;
            var bytes = TileBytes(inputs, shape, t);
            var tile = new Tile { Index = index, Values = ByteString.CopyFrom(values is null ? bytes : values(t, bytes)) };
            tile.Path.AddRange(MerkleTree.Proof(leaves, (int)t).Select(ByteString.CopyFrom));
            msg.Tiles.Add(tile);
        }

        return msg;
    }

    public void Dispose() => App.Dispose();
}
