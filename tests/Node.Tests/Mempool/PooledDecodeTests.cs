using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Bank.Keeper;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Mempool;

/// <summary>
/// Block execution takes the txs the mempool already decoded instead of decoding them again; a block executed so must
/// give exactly what it gives decoded from its bytes, on a chain from the same genesis.
/// </summary>
public sealed class PooledDecodeTests : IDisposable
{
    private const string ChainId = "pooled-decode-test";
    private readonly PrivateKey[] _keys = Enumerable.Range(1, 4).Select(i => PrivateKey.FromBytes(Enumerable.Repeat((byte)i, 32).ToArray())).ToArray();
    private readonly ChainApp _pooled;
    private readonly ChainApp _plain;

    public PooledDecodeTests()
    {
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 1 << 22, BlockMaxGas = 1_000_000_000, TxMaxBytes = 1 << 20 },
            AppState = { ModuleCatalog.Create().DefaultAppState() },
        };
        foreach (var k in _keys)
        {
            BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(k.Address), Coins = { new Coin { Denom = "uchn", Amount = 1_000_000_000 } } });
        }

        _pooled = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create());
        _plain = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create());
    }

    public void Dispose()
    {
        _pooled.Dispose();
        _plain.Dispose();
    }

    private Node.Mempool.Mempool NewPool() =>
        new(_pooled.Executor, new MempoolOptions { MaxTxs = 100 }, new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance);

    private byte[] Send(int from, ulong sequence, ulong amount)
    {
        var msg = new MsgSend { FromAddress = Address.ToBech32(_keys[from].Address), ToAddress = Address.ToBech32(_keys[(from + 1) % _keys.Length].Address), Amount = { new Coin { Denom = "uchn", Amount = amount } } };
        var account = _pooled.Modules.Keeper<BankKeeper>().GetAccount(new ReadOnlyStateStore(_pooled.Executor.Committed), _keys[from].Address)!;
        return TxFactory.Sign(_keys[from], ChainId, account.AccountNumber, sequence,
            new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2_000 } }, GasLimit = 200_000 }, [msg]).ToByteArray();
    }

    private static Block BlockOf(ulong height, params byte[][] txs)
    {
        var block = new Block { Header = new Header { ChainId = ChainId, Height = height, TimeUnixNanos = (long)height * 1_000_000_000 }, Data = new Data() };
        foreach (var tx in txs)
        {
            block.Data.Txs.Add(ByteString.CopyFrom(tx));
        }

        return block;
    }

    private ulong BalanceOf(ChainApp app, int key) =>
        app.Modules.Keeper<BankKeeper>().GetBalance(new ReadOnlyStateStore(app.Executor.Committed), _keys[key].Address, "uchn");

    /// <summary>Executes and commits the block on both chains, the first with <paramref name="known"/>; asserts they agree.</summary>
    private void ExecuteOnBoth(Block block, IDecodedTxs known)
    {
        using var pooled = _pooled.Executor.Execute(block, [], known);
        using var plain = _plain.Executor.Execute(block.Clone(), []);
        Assert.Equal(plain.Results, pooled.Results);
        Assert.Equal(Convert.ToHexString(plain.AppHash), Convert.ToHexString(pooled.AppHash));
        _pooled.Executor.Commit(pooled, new Commit { Height = block.Header.Height });
        _plain.Executor.Commit(plain, new Commit { Height = block.Header.Height });
        Assert.Equal(Convert.ToHexString(_plain.Executor.LastAppHash), Convert.ToHexString(_pooled.Executor.LastAppHash));
    }

    [Fact]
    public async Task A_block_executed_with_the_pools_decoded_txs_gives_the_results_events_and_app_hash_of_one_decoded_from_its_bytes()
    {
        var pool = NewPool();
        var admitted = new[]
        {
            Send(0, 0, amount: 10),
            Send(0, 1, amount: 20),
            Send(1, 0, amount: 5),
            // Passes admission (ante only) and fails in its handler: more than the sender holds.
            Send(2, 0, amount: 5_000_000_000),
        };
        foreach (var tx in admitted)
        {
            Assert.Equal(0u, (await pool.CheckTxAsync(tx)).Code);
        }

        // A tx the pool never saw (another validator's), and bytes that do not decode, sit beside them.
        var unseen = Send(3, 0, amount: 7);
        var garbage = new byte[] { 0x0a, 0x03, 0x01 };
        var source = new RecordingSource(pool);
        ExecuteOnBoth(BlockOf(1, admitted[0], unseen, admitted[1], garbage, admitted[2], admitted[3]), source);

        // Every admitted tx came from the pool, the object the pool holds; the others were decoded.
        Assert.Equal(admitted.Length, source.Found.Count);
        foreach (var tx in admitted)
        {
            var held = pool.Find(TxFactory.Hash(tx));
            Assert.NotNull(held);
            Assert.Contains(source.Found, d => ReferenceEquals(d, held));
        }

        Assert.Equal(1_000_000_000UL + 30 - 5 - 2_000, BalanceOf(_pooled, 1));
        Assert.Equal(1_000_000_000UL + 5 - 2_000, BalanceOf(_pooled, 2)); // its own send failed, its fee is spent
        Assert.Equal(BalanceOf(_plain, 1), BalanceOf(_pooled, 1));
    }

    [Fact]
    public void A_found_tx_whose_bytes_differ_from_the_blocks_tx_is_not_used()
    {
        var inBlock = Send(0, 0, amount: 1);
        var other = _pooled.Processor.Decoder.Decode(Send(0, 0, amount: 500), out var error);
        Assert.NotNull(other);
        Assert.True(error.IsOk);

        // The source answers every hash with a decoded tx of other bytes (a same-hash pair cannot be forged; the executor
        // must not rely on the hash alone).
        var source = new RecordingSource(_ => other);
        ExecuteOnBoth(BlockOf(1, inBlock), source);

        Assert.Single(source.Found);
        Assert.Equal(1_000_000_000UL + 1, BalanceOf(_pooled, 1));
    }

    [Fact]
    public void A_block_whose_txs_are_not_in_the_pool_still_executes()
    {
        var pool = NewPool();
        var source = new RecordingSource(pool);
        ExecuteOnBoth(BlockOf(1, Send(0, 0, amount: 3), Send(1, 0, amount: 4)), source);
        ExecuteOnBoth(BlockOf(2, Send(0, 1, amount: 3)), source);

        Assert.Empty(source.Found);
        Assert.Equal(3, source.Asked);
        Assert.Equal(1_000_000_000UL - 2_000 - 4 + 6, BalanceOf(_pooled, 1));
    }

    /// <summary>Passes lookups on to another source and records what it found.</summary>
    private sealed class RecordingSource(Func<byte[], DecodedTx?> find) : IDecodedTxs
    {
        private readonly Lock _gate = new();
        private int _asked;

        public RecordingSource(IDecodedTxs inner)
            : this(inner.Find)
        {
        }

        public List<DecodedTx> Found { get; } = [];

        public int Asked => Volatile.Read(ref _asked);

        public DecodedTx? Find(byte[] hash)
        {
            Interlocked.Increment(ref _asked);
            var found = find(hash);
            if (found is not null)
            {
                lock (_gate)
                {
                    Found.Add(found);
                }
            }

            return found;
        }
    }
}
