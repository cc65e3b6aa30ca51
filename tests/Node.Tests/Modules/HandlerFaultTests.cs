using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Modules.Bank.Keeper;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Tests.Modules;

/// <summary>A message handler that throws (a bug, not out-of-gas) fails its tx, the same way on every node; the block still executes.</summary>
public sealed class HandlerFaultTests
{
    private const string ChainId = "handler-fault";
    private readonly PrivateKey[] _keys = [PrivateKey.Generate(), PrivateKey.Generate()];

    private static ModuleSet Modules() => ModuleCatalog.Create().Add(new ThrowingHandlerModule());

    private readonly RecordingLoggerProvider _logs = new();

    private ChainApp OpenApp()
    {
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 1 << 22, BlockMaxGas = 1_000_000_000, TxMaxBytes = 1 << 20 },
            AppState = { Modules().DefaultAppState() },
        };
        foreach (var k in _keys)
        {
            BankGenesis.Fund(genesis, new Balance { Address = Address.ToBech32(k.Address), Coins = { new Coin { Denom = "uchn", Amount = 1_000_000_000 } } });
        }

        return ChainApp.Open(new MemoryKeyValueStore(), genesis, Modules(), loggers: LoggerFactory.Create(b => b.AddProvider(_logs)));
    }

    private static Account AccountOf(ChainApp app, PrivateKey key) =>
        app.Modules.Keeper<BankKeeper>().GetAccount(new ReadOnlyStateStore(app.Executor.Committed), key.Address)!;

    private static byte[] Sign(ChainApp app, PrivateKey key, IMessage message) =>
        TxFactory.Sign(key, ChainId, AccountOf(app, key).AccountNumber, 0,
            new Fee { Amount = { new Coin { Denom = "uchn", Amount = 2_000 } }, GasLimit = 200_000 }, [message]).ToByteArray();

    private Block BlockOf(ChainApp app) => new()
    {
        Header = new Header { ChainId = ChainId, Height = 1, TimeUnixNanos = 1 },
        Data = new Data
        {
            Txs =
            {
                ByteString.CopyFrom(Sign(app, _keys[0], new StringValue { Value = Address.ToBech32(_keys[0].Address) })),
                ByteString.CopyFrom(Sign(app, _keys[1], new MsgSend
                {
                    FromAddress = Address.ToBech32(_keys[1].Address), ToAddress = Address.ToBech32(_keys[0].Address),
                    Amount = { new Coin { Denom = "uchn", Amount = 5 } },
                })),
            },
        },
    };

    [Fact]
    public void A_throwing_handler_fails_its_tx_and_the_block_commits()
    {
        using var app = OpenApp();
        using var execution = app.Executor.Execute(BlockOf(app));
        app.Executor.Commit(execution, new Commit { Height = 1 });

        var failed = execution.Results.Results[0];
        Assert.Equal((TxCodes.Codespace, TxCodes.InternalError), (failed.Codespace, failed.Code));
        Assert.Contains("internal error in handler", failed.Log, StringComparison.Ordinal);
        Assert.Contains("/google.protobuf.StringValue", failed.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(failed.Events, e => e.Type == "throwing.before");

        // Its writes are gone; its fee and sequence are spent, as for any failed message; the next tx ran.
        Assert.Null(app.Executor.Committed.Get(ThrowingHandlerModule.WrittenKey));
        Assert.Equal(1UL, AccountOf(app, _keys[0]).Sequence);
        Assert.Equal(0u, execution.Results.Results[1].Code);
        Assert.Equal(1UL, app.Executor.LastHeight);

        // The node's operator learns of the bug, with the exception.
        var logged = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(Convert.ToHexString(failed.TxHash.ToByteArray()), logged.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public void A_throwing_handler_gives_every_node_the_same_app_hash()
    {
        using var first = OpenApp();
        using var second = OpenApp();
        using var a = first.Executor.Execute(BlockOf(first));
        using var b = second.Executor.Execute(BlockOf(second));
        Assert.Equal(Convert.ToHexString(a.AppHash), Convert.ToHexString(b.AppHash));
        Assert.Equal(a.Results.Results[0].GasUsed, b.Results.Results[0].GasUsed);
    }
}
