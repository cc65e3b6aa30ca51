using System.Text;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Bank.Keeper;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Storage;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Bench;

/// <summary>
/// A block of signed 1uchn transfers over a genesis that funds every sender: <c>senders</c> accounts each
/// send <c>txsPerSender</c> txs with consecutive sequences, each to the next sender (so no account is
/// created). Keys are derived from their index, so the block, and therefore its app hash, is the same on
/// every run: a change that alters behaviour shows up as a different app hash.
/// </summary>
public sealed class TransferWorkload
{
    public const string ChainId = "bench-1";
    public const string Denom = "uchn";
    public const ulong GasLimit = 200_000;
    public const ulong FeeAmount = 2;
    public const long BlockTime = 1_767_225_600_000_000_000; // 2026-01-01T00:00:00Z

    private TransferWorkload(int senders, int txsPerSender, PrivateKey[] keys, GenesisDoc genesis, Block block)
    {
        Senders = senders;
        TxsPerSender = txsPerSender;
        Keys = keys;
        Genesis = genesis;
        Block = block;
    }

    public int Senders { get; }

    public int TxsPerSender { get; }

    public int TxCount => Senders * TxsPerSender;

    public PrivateKey[] Keys { get; }

    public GenesisDoc Genesis { get; }

    /// <summary>Block 1 of the chain opened at <see cref="Genesis"/>.</summary>
    public Block Block { get; }

    public static PrivateKey Key(int index) =>
        PrivateKey.FromBytes(Hashes.Sha256(Encoding.ASCII.GetBytes($"chain-bench-key-{index}")));

    public static GenesisDoc CreateGenesis(IReadOnlyList<PrivateKey> keys)
    {
        var validator = Key(-1);
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            GenesisTime = "2026-01-01T00:00:00Z",
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 64UL * 1024 * 1024, BlockMaxGas = 0, TxMaxBytes = 1024 * 1024 },
            AppState = { ModuleCatalog.Create().DefaultAppState() },
        };
        genesis.Validators.Add(new GenesisValidator { Name = "v0", PublicKey = Convert.ToHexString(validator.PublicKey), Power = 10 });
        foreach (var key in keys)
        {
            var balance = new Balance { Address = Address.ToBech32(key.Address) };
            balance.Coins.Add(new Coin { Denom = Denom, Amount = 1_000_000_000 });
            BankGenesis.Fund(genesis, balance);
        }

        return genesis;
    }

    /// <summary>Builds the workload: keys, genesis and the signed block (signed on all cores).</summary>
    public static TransferWorkload Create(int senders, int txsPerSender)
    {
        var keys = new PrivateKey[senders];
        Parallel.For(0, senders, i => keys[i] = Key(i));
        var genesis = CreateGenesis(keys);

        // Account numbers come from the chain itself rather than from an assumption about genesis order.
        ulong[] numbers;
        using (var app = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create()))
        {
            numbers = new ulong[senders];
            for (var i = 0; i < senders; i++)
            {
                numbers[i] = app.Modules.Keeper<BankKeeper>().GetAccount(new Chain.State.Store.ReadOnlyStateStore(app.Executor.Committed), keys[i].Address)!.AccountNumber;
            }
        }

        var fee = new Fee { GasLimit = GasLimit };
        fee.Amount.Add(new Coin { Denom = Denom, Amount = FeeAmount });
        var txs = new ByteString[senders * txsPerSender];
        Parallel.For(0, senders, s =>
        {
            var from = Address.ToBech32(keys[s].Address);
            var to = Address.ToBech32(keys[(s + 1) % senders].Address);
            for (var q = 0; q < txsPerSender; q++)
            {
                var msg = new MsgSend { FromAddress = from, ToAddress = to };
                msg.Amount.Add(new Coin { Denom = Denom, Amount = 1 });
                var tx = TxFactory.Sign(keys[s], ChainId, numbers[s], (ulong)q, fee, [msg]);

                // Round-robin over senders, so that a sender's txs are spread over the block in sequence order.
                txs[(q * senders) + s] = tx.ToByteString();
            }
        });

        var block = new Block
        {
            Header = new Header
            {
                ChainId = ChainId,
                Height = 1,
                TimeUnixNanos = BlockTime,
                ProposerAddress = ByteString.CopyFrom(Key(-1).Address),
            },
            Data = new Data(),
            Evidence = new EvidenceList(),
            LastCommit = new Commit(),
        };
        block.Data.Txs.AddRange(txs);
        return new TransferWorkload(senders, txsPerSender, keys, genesis, block);
    }

    /// <summary>
    /// A fresh chain at genesis (fresh signature cache included) over the given store, with the node's default value
    /// cache, or the size in bytes that <c>CHAIN_BENCH_VALUE_CACHE_BYTES</c> names (0: none), to compare with and without it.
    /// </summary>
    public ChainApp OpenApp(IKeyValueStore store) => ChainApp.Open(store, Genesis, ModuleCatalog.Create(), valueCacheBytes: ValueCacheBytes);

    private static long ValueCacheBytes =>
        long.TryParse(Environment.GetEnvironmentVariable("CHAIN_BENCH_VALUE_CACHE_BYTES"), System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes >= 0
            ? bytes
            : Chain.State.Store.CommittedState.DefaultValueCacheBytes;

    /// <summary>Throws unless every tx of the execution succeeded.</summary>
    public void AssertAllOk(BlockExecution execution)
    {
        var results = execution.Results.Results;
        if (results.Count != TxCount)
        {
            throw new InvalidOperationException($"expected {TxCount} tx results, got {results.Count}");
        }

        foreach (var r in results)
        {
            if (r.Code != 0)
            {
                throw new InvalidOperationException($"tx {r.Index} failed: code {r.Code} ({r.Codespace}): {r.Log}");
            }
        }
    }
}

/// <summary>Which key-value store a benchmark runs over.</summary>
public enum Backend
{
    Memory,
    RocksDb,
}

/// <summary>A store of the given kind; RocksDB lives in a fresh temp directory removed by <see cref="Dispose"/>.</summary>
public sealed class BenchStore : IDisposable
{
    private BenchStore(IKeyValueStore store, string? directory)
    {
        Store = store;
        Directory = directory;
    }

    public IKeyValueStore Store { get; }

    public string? Directory { get; }

    public static BenchStore Create(Backend backend)
    {
        if (backend == Backend.Memory)
        {
            return new BenchStore(new MemoryKeyValueStore(), null);
        }

        var dir = Path.Combine(Path.GetTempPath(), "chain-bench-" + Guid.NewGuid().ToString("N"));
        return new BenchStore(new RocksDbKeyValueStore(dir), dir);
    }

    public void Dispose()
    {
        Store.Dispose();
        if (Directory is not null && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
