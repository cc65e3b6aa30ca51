using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Bank.Keeper;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Mempool;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Storage;
using Chain.State.Transactions;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Mempool;

public sealed class MempoolTests : IDisposable
{
    private readonly PrivateKey[] _keys = Enumerable.Range(0, 4).Select(_ => PrivateKey.Generate()).ToArray();
    private readonly ChainApp _app;

    public MempoolTests()
    {
        var genesis = new GenesisDoc
        {
            ChainId = "mempool-test",
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 1 << 22, BlockMaxGas = 1_000_000_000, TxMaxBytes = 1 << 20 },
            AppState = { ModuleCatalog.Create().DefaultAppState() },
        };
        foreach (var k in _keys)
        {
            BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(k.Address), Coins = { new Coin { Denom = "uchn", Amount = 1_000_000_000 } } });
        }

        _app = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create());
    }

    public void Dispose() => _app.Dispose();

    private Node.Mempool.Mempool NewPool(int maxTxs = 100) =>
        new(_app.Executor, new MempoolOptions { MaxTxs = maxTxs }, new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance);

    private byte[] Send(int from, ulong sequence, ulong fee, ulong gas = 200_000, string chainId = "mempool-test")
    {
        var msg = new MsgSend { FromAddress = Address.ToBech32(_keys[from].Address), ToAddress = Address.ToBech32(_keys[(from + 1) % _keys.Length].Address), Amount = { new Coin { Denom = "uchn", Amount = 1 } } };
        var account = _app.Modules.Keeper<BankKeeper>().GetAccount(new State.Store.ReadOnlyStateStore(_app.Executor.Committed), _keys[from].Address)!;
        return TxFactory.Sign(_keys[from], chainId, account.AccountNumber, sequence,
            new Fee { Amount = { new Coin { Denom = "uchn", Amount = fee } }, GasLimit = gas }, [msg]).ToByteArray();
    }

    private static void AssertHolds(Node.Mempool.Mempool pool, params byte[][] txs)
    {
        var held = pool.Reap(long.MaxValue, ulong.MaxValue, 0);
        Assert.Equal(txs.Length, pool.Count);
        foreach (var tx in txs)
        {
            Assert.Contains(held, t => t.Bytes.AsSpan().SequenceEqual(tx));
        }
    }

    [Fact]
    public async Task Txs_admitted_from_several_threads_at_once_are_all_held_in_each_senders_sequence_order()
    {
        var pool = NewPool(maxTxs: 1_000);
        const int perSender = 40;
        var txs = Enumerable.Range(0, _keys.Length).Select(k => Enumerable.Range(0, perSender).Select(i => Send(k, (ulong)i, fee: 2_000)).ToArray()).ToArray();

        // One sender per thread, each awaiting its previous answer, as a client does; the pool sees them interleaved.
        var answers = await Task.WhenAll(txs.Select(own => Task.Run(async () =>
        {
            var codes = new List<uint>();
            foreach (var tx in own)
            {
                codes.Add((await pool.CheckTxAsync(tx)).Code);
            }

            return codes;
        })));

        Assert.All(answers.SelectMany(c => c), code => Assert.Equal(0u, code));
        Assert.Equal(_keys.Length * perSender, pool.Count);
        Assert.Equal(0, pool.Pending);
        var reaped = pool.Reap(long.MaxValue, ulong.MaxValue, 0);
        foreach (var key in _keys)
        {
            var own = reaped.Where(t => t.Signer.AsSpan().SequenceEqual(key.Address)).Select(t => t.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, perSender).Select(i => (ulong)i), own);
        }
    }

    [Fact]
    public async Task Paused_admission_holds_new_txs_until_the_block_is_done_then_admits_them()
    {
        var pool = NewPool();
        var pause = pool.PauseAdmission();
        var waiting = pool.CheckTxAsync(Send(0, 0, fee: 2_000));
        var batch = pool.CheckBatchAsync([Send(1, 0, fee: 2_000)], TxOrigin.Peer);
        Assert.False(waiting.IsCompleted);
        Assert.False(batch.IsCompleted);
        Assert.Equal(0, pool.Count);

        pause.Dispose();
        Assert.Equal(0u, (await waiting).Code);
        Assert.Equal(0u, (await batch)[0].Code);
        Assert.Equal(2, pool.Count);
        Assert.Equal(0u, (await pool.CheckTxAsync(Send(0, 1, fee: 2_000))).Code); // no pause left behind
    }

    [Fact]
    public async Task A_relayed_batch_is_answered_tx_by_tx_in_its_order()
    {
        var pool = NewPool();
        var first = Send(0, 0, fee: 2_000);
        var answers = await pool.CheckBatchAsync([first, [0x0a, 0xff, 0x01], first, Send(0, 1, fee: 2_000), Send(1, 5, fee: 2_000)], TxOrigin.Peer);
        Assert.Equal(0u, answers[0].Code);
        Assert.NotEqual(0u, answers[1].Code); // does not decode
        Assert.Equal(TxCodes.TxInMempoolCache, answers[2].Code);
        Assert.Equal(0u, answers[3].Code);
        Assert.NotEqual(0u, answers[4].Code); // sequence 5 where 0 is next
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public async Task Past_the_client_backlog_bound_a_clients_tx_is_refused_at_once_but_relayed_and_better_paying_txs_get_in()
    {
        var pool = new Node.Mempool.Mempool(_app.Executor, new MempoolOptions { MaxTxs = 100, ClientBacklogMinTxs = 3 },
            new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance);
        Assert.Equal(3, pool.ClientLimit); // no block seen yet: the floor
        for (ulong i = 0; i < 3; i++)
        {
            Assert.Equal(0u, pool.CheckTx(Send(0, i, fee: 2_000)).Code);
        }

        var refused = pool.CheckTx(Send(1, 0, fee: 2_000));
        Assert.Equal(TxCodes.MempoolIsFull, refused.Code);
        Assert.Contains("the most this node takes from clients (3", refused.Log);
        Assert.Equal(3, pool.Count);

        // Refused without waiting for a block to finish, and in a client's batch every tx past the bound is refused.
        using (pool.PauseAdmission())
        {
            var answer = pool.CheckTxAsync(Send(1, 0, fee: 2_000), TxOrigin.Client);
            Assert.True(answer.IsCompleted);
            Assert.Equal(TxCodes.MempoolIsFull, (await answer).Code);
            var batch = pool.CheckBatchAsync([Send(1, 0, fee: 2_000), Send(2, 0, fee: 2_000)], TxOrigin.Client);
            Assert.True(batch.IsCompleted);
            Assert.All(await batch, r => Assert.Equal(TxCodes.MempoolIsFull, r.Code));
        }

        // A peer's relay may fill the pool to max_txs, so every pool can hold what another node admitted.
        Assert.Equal(0u, (await pool.CheckBatchAsync([Send(1, 0, fee: 2_000)], TxOrigin.Peer))[0].Code);
        // A client paying more per gas than the cheapest pooled tx still gets in.
        Assert.Equal(0u, pool.CheckTx(Send(2, 0, fee: 5_000)).Code);
        Assert.Equal(5, pool.Count);
    }

    [Fact]
    public void The_client_backlog_bound_follows_the_commit_rate_between_its_floor_and_max_txs()
    {
        var clock = new P2p.ManualClock();
        Node.Mempool.Mempool Pool(int maxTxs, TimeSpan backlog) => new(_app.Executor,
            new MempoolOptions { MaxTxs = maxTxs, ClientBacklog = backlog, ClientBacklogMinTxs = 10 },
            new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance, clock);
        var pools = new[] { Pool(100_000, TimeSpan.FromSeconds(2)), Pool(800, TimeSpan.FromSeconds(2)), Pool(100_000, TimeSpan.Zero) };
        var height = 0;
        void Commit(int txs)
        {
            var hashes = Enumerable.Range(0, txs).Select(i => BitConverter.GetBytes(height * 100_000 + i).Concat(new byte[28]).ToArray()).ToList();
            height++;
            foreach (var p in pools)
            {
                p.Update(hashes);
            }
        }

        Commit(10_000); // before the window: its txs do not count
        Assert.Equal(0, pools[0].CommitRate);
        Assert.Equal(10, pools[0].ClientLimit);
        clock.Advance(TimeSpan.FromSeconds(1));
        Commit(300);
        clock.Advance(TimeSpan.FromSeconds(1));
        Commit(700);

        Assert.Equal(500, pools[0].CommitRate, 6); // 1,000 txs over 2 s
        Assert.Equal(1_000, pools[0].ClientLimit); // 2 s of it
        Assert.Equal(800, pools[1].ClientLimit); // never above max_txs
        Assert.Equal(100_000, pools[2].ClientLimit); // 0s: off, clients may fill max_txs
    }

    [Fact]
    public void Reap_orders_by_fee_per_gas_but_keeps_each_senders_sequence_order()
    {
        var pool = NewPool();
        Assert.Equal(0u, pool.CheckTx(Send(0, 0, fee: 2_000)).Code);
        Assert.Equal(0u, pool.CheckTx(Send(0, 1, fee: 90_000)).Code); // richer, but must follow sequence 0
        Assert.Equal(0u, pool.CheckTx(Send(1, 0, fee: 50_000)).Code);
        var reaped = pool.Reap(long.MaxValue, ulong.MaxValue, 0);
        Assert.Equal(3, reaped.Count);
        Assert.Equal((1, 0UL), (Array.FindIndex(_keys, k => k.Address.AsSpan().SequenceEqual(reaped[0].Signer)), reaped[0].Sequence));
        Assert.Equal(0UL, reaped[1].Sequence);
        Assert.Equal(1UL, reaped[2].Sequence);
        Assert.True(reaped[1].Signer.AsSpan().SequenceEqual(reaped[2].Signer));
    }

    [Fact]
    public void Reap_respects_the_gas_and_count_limits()
    {
        var pool = NewPool();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0u, pool.CheckTx(Send(i, 0, fee: 2_000)).Code);
        }

        Assert.Equal(2, pool.Reap(long.MaxValue, 400_000, 0).Count);
        Assert.Single(pool.Reap(long.MaxValue, ulong.MaxValue, 1));
    }

    [Fact]
    public void A_fee_below_the_minimum_is_refused()
    {
        var r = NewPool().CheckTx(Send(0, 0, fee: 1_999));
        Assert.Equal(TxCodes.InsufficientFee, r.Code);
        Assert.Contains("below the minimum 2000uchn", r.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_pool_evicts_its_cheapest_tx_for_a_better_one_and_refuses_a_worse_one()
    {
        var pool = NewPool(maxTxs: 2);
        var cheap = Send(0, 0, fee: 2_000);
        Assert.Equal(0u, pool.CheckTx(cheap).Code);
        Assert.Equal(0u, pool.CheckTx(Send(1, 0, fee: 5_000)).Code);
        var worse = pool.CheckTx(Send(2, 0, fee: 2_000));
        Assert.Equal(TxCodes.MempoolIsFull, worse.Code);
        Assert.Equal(0u, pool.CheckTx(Send(3, 0, fee: 9_000)).Code);
        Assert.Equal(2, pool.Count);
        Assert.DoesNotContain(pool.Reap(long.MaxValue, ulong.MaxValue, 0), t => t.Bytes.AsSpan().SequenceEqual(cheap));
    }

    [Fact]
    public void A_tx_with_a_huge_fee_that_fails_its_checks_evicts_nothing()
    {
        var pool = NewPool(maxTxs: 3);
        var originals = new[] { Send(0, 0, fee: 2_000), Send(1, 0, fee: 3_000), Send(2, 0, fee: 4_000) };
        foreach (var tx in originals)
        {
            Assert.Equal(0u, pool.CheckTx(tx).Code);
        }

        // Each offers far more per gas than anything in the pool, and each fails a check the pool makes.
        Assert.Equal(TxCodes.Unauthorized, pool.CheckTx(Send(3, 0, fee: 500_000_000, chainId: "another-chain")).Code);
        Assert.Equal(TxCodes.InvalidSequence, pool.CheckTx(Send(3, 7, fee: 500_000_000)).Code);
        Assert.Equal(TxCodes.InsufficientFunds, pool.CheckTx(Send(3, 0, fee: 1_000_000_000_000)).Code);
        AssertHolds(pool, originals);

        // A valid tx with a higher fee still takes the cheapest one's place.
        var better = Send(3, 0, fee: 9_000);
        Assert.Equal(0u, pool.CheckTx(better).Code);
        AssertHolds(pool, originals[1], originals[2], better);
    }

    [Fact]
    public void A_tx_whose_gas_limit_exceeds_the_blocks_max_gas_is_refused()
    {
        var pool = NewPool();
        var r = pool.CheckTx(Send(0, 0, fee: 20_000_000, gas: 1_000_000_001)); // the block's max gas is 1,000,000,000
        Assert.Equal(TxCodes.InvalidGasLimit, r.Code);
        Assert.Contains("block's max gas 1000000000", r.Log, StringComparison.Ordinal);
        Assert.Equal(0, pool.Count);
        Assert.Equal(0u, pool.CheckTx(Send(0, 0, fee: 20_000_000, gas: 1_000_000_000)).Code);
    }

    [Fact]
    public void A_tx_never_evicts_its_own_senders_earlier_tx()
    {
        var pool = NewPool(maxTxs: 2);
        var first = Send(0, 0, fee: 2_000);
        var other = Send(1, 0, fee: 3_000);
        Assert.Equal(0u, pool.CheckTx(first).Code);
        Assert.Equal(0u, pool.CheckTx(other).Code);

        // Sequence 1 needs sequence 0 in the pool: it takes the place of the other sender's tx, the cheapest it may evict.
        var second = Send(0, 1, fee: 9_000);
        Assert.Equal(0u, pool.CheckTx(second).Code);
        AssertHolds(pool, first, second);

        // Now only its own sender's txs are cheaper than sequence 2: it is refused and the pool is unchanged.
        var third = Send(0, 2, fee: 90_000);
        Assert.Equal(TxCodes.MempoolIsFull, pool.CheckTx(third).Code);
        AssertHolds(pool, first, second);
    }

    [Fact]
    public void Update_drops_committed_txs_and_rechecks_the_rest()
    {
        var pool = NewPool();
        var first = Send(0, 0, fee: 2_000);
        Assert.Equal(0u, pool.CheckTx(first).Code);
        Assert.Equal(0u, pool.CheckTx(Send(0, 1, fee: 2_000)).Code);

        // Sequence 0 is committed in a block; the pool keeps only sequence 1, and the duplicate is answered.
        var block = new Block
        {
            Header = new Header { ChainId = "mempool-test", Height = 1, TimeUnixNanos = 1 },
            Data = new Data { Txs = { ByteString.CopyFrom(first) } },
        };
        using (var execution = _app.Executor.Execute(block))
        {
            _app.Executor.Commit(execution, new Commit { Height = 1 });
            pool.Update([execution.Results.Results[0].TxHash.ToByteArray()]);
        }

        Assert.Equal(1, pool.Count);
        Assert.Equal(1UL, pool.Reap(long.MaxValue, ulong.MaxValue, 0).Single().Sequence);
        Assert.Equal(TxCodes.TxInMempoolCache, pool.CheckTx(first).Code);
    }
}
