using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Bank.Keeper;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.Reactors;
using Chain.Node.Tests.P2p;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.P2p;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Reactors;

/// <summary>Tx batches from peers wait for the mempool in a queue capped per peer and in total, in batches and bytes.</summary>
public sealed class MempoolReactorInputTests : IDisposable
{
    private const string ChainId = "mempool-reactor-test";
    private readonly PrivateKey _sender = PrivateKey.Generate();
    private readonly FakePeer _flooder = new();
    private readonly FakePeer _honest = new();
    private readonly ChainApp _app;
    private readonly Node.Mempool.Mempool _pool;
    private readonly MempoolReactor _reactor;

    public MempoolReactorInputTests()
    {
        var genesis = new GenesisDoc { ChainId = ChainId, InitialHeight = 1, AppState = { ModuleCatalog.Create().DefaultAppState() } };
        BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(_sender.Address), Coins = { new Coin { Denom = "uchn", Amount = 1_000_000_000 } } });
        _app = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create());
        _pool = new Node.Mempool.Mempool(_app.Executor, new MempoolOptions(), new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance);
        _reactor = new MempoolReactor(_pool, new FakePeerSet(_flooder, _honest));
        _reactor.OnPeerAdded(_flooder);
        _reactor.OnPeerAdded(_honest);
    }

    public void Dispose()
    {
        _reactor.Dispose();
        _app.Dispose();
    }

    private static Envelope Junk(int bytes) => new() { Txs = new TxBatch { Txs = { ByteString.CopyFrom(new byte[bytes]) } } };

    [Fact]
    public async Task A_flooding_peer_cannot_crowd_out_another_peers_txs()
    {
        for (var i = 0; i < 2 * MempoolReactor.MaxPendingBatches; i++)
        {
            _reactor.OnMessage(_flooder, ChannelId.Mempool, Junk(100));
        }

        var account = _app.Modules.Keeper<BankKeeper>().GetAccount(new ReadOnlyStateStore(_app.Executor.Committed), _sender.Address)!;
        var tx = TxFactory.Sign(_sender, ChainId, account.AccountNumber, 0,
            new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2_000 } }, GasLimit = 200_000 },
            [new MsgSend { FromAddress = Address.ToBech32(_sender.Address), ToAddress = Address.ToBech32(PrivateKey.Generate().Address), Amount = { new Coin { Denom = "uchn", Amount = 1 } } }]);
        _reactor.OnMessage(_honest, ChannelId.Mempool, new Envelope { Txs = new TxBatch { Txs = { tx.ToByteString() } } });

        await _reactor.StartAsync(CancellationToken.None);
        Assert.True(await Loopback.EventuallyAsync(() => _pool.Count == 1), "the honest peer's tx never reached the mempool");
        await _reactor.StopAsync(CancellationToken.None);
    }

    private byte[] Transfer(ulong sequence)
    {
        var account = _app.Modules.Keeper<BankKeeper>().GetAccount(new ReadOnlyStateStore(_app.Executor.Committed), _sender.Address)!;
        return TxFactory.Sign(_sender, ChainId, account.AccountNumber, sequence,
            new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2_000 } }, GasLimit = 200_000 },
            [new MsgSend { FromAddress = Address.ToBech32(_sender.Address), ToAddress = Address.ToBech32(PrivateKey.Generate().Address), Amount = { new Coin { Denom = "uchn", Amount = 1 } } }]).ToByteArray();
    }

    private static List<byte[]> Relayed(FakePeer peer) =>
        peer.Sent.Where(s => s.Channel == ChannelId.Mempool).SelectMany(s => s.Message.Txs.Txs).Select(t => t.ToByteArray()).ToList();

    [Fact]
    public async Task A_tx_goes_once_to_each_peer_that_does_not_have_it_and_a_copy_from_another_peer_costs_nothing()
    {
        FakePeer a = new(), b = new(), c = new();
        using var reactor = new MempoolReactor(_pool, new FakePeerSet(a, b, c));
        foreach (var peer in new[] { a, b, c })
        {
            reactor.OnPeerAdded(peer);
        }

        var fromPeer = Transfer(0);
        var fromClient = Transfer(1);
        await reactor.StartAsync(CancellationToken.None);
        reactor.OnMessage(a, ChannelId.Mempool, new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFrom(fromPeer) } } });
        Assert.True(await Loopback.EventuallyAsync(() => b.Sent.Count > 0 && c.Sent.Count > 0), "the peer's tx was not relayed");
        reactor.OnMessage(b, ChannelId.Mempool, new Envelope { Txs = new TxBatch { Txs = { ByteString.CopyFrom(fromPeer) } } });
        Assert.Equal(0u, (await _pool.CheckTxAsync(fromClient)).Code);
        Assert.True(await Loopback.EventuallyAsync(() => a.Sent.Count > 0 && b.Sent.Count > 1 && c.Sent.Count > 1), "the client's tx was not relayed");
        await reactor.StopAsync(CancellationToken.None);

        Assert.Equal(2, _pool.Count);
        Assert.Equal([fromClient], Relayed(a)); // a sent the first tx: it never gets it back
        Assert.Equal([fromPeer, fromClient], Relayed(b)); // b's copy came after the relay: nothing more is sent
        Assert.Equal([fromPeer, fromClient], Relayed(c));
    }

    [Fact]
    public void Waiting_batches_are_capped_in_bytes_per_peer_and_in_total()
    {
        for (var i = 0; i < 64; i++)
        {
            _reactor.OnMessage(_flooder, ChannelId.Mempool, Junk(512 * 1024));
        }

        Assert.InRange(_reactor.PendingBytes, 1, MempoolReactor.MaxPendingBytesPerPeer);
        Assert.False(_flooder.Banned); // a fast peer is slowed, not punished
    }
}
