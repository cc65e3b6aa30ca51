using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Crypto;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Storage;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Bench;

/// <summary>A signed MsgSend tx: stateless decode (TxDecoder.Decode, with every check) and signing with TxFactory.</summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class TxBenchmarks
{
    private ChainApp _app = null!;
    private TxDecoder _decoder = null!;
    private PrivateKey _key = null!;
    private MsgSend _msg = null!;
    private Fee _fee = null!;
    private byte[] _txBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _key = TransferWorkload.Key(0);
        var to = TransferWorkload.Key(1);
        _app = ChainApp.Open(new MemoryKeyValueStore(), TransferWorkload.CreateGenesis([_key, to]), ModuleCatalog.Create());
        _decoder = _app.Processor.Decoder;
        _msg = new MsgSend { FromAddress = Address.ToBech32(_key.Address), ToAddress = Address.ToBech32(to.Address) };
        _msg.Amount.Add(new Coin { Denom = TransferWorkload.Denom, Amount = 1 });
        _fee = new Fee { GasLimit = TransferWorkload.GasLimit };
        _fee.Amount.Add(new Coin { Denom = TransferWorkload.Denom, Amount = TransferWorkload.FeeAmount });
        _txBytes = SignTx().ToByteArray();
        if (_decoder.Decode(_txBytes, out var error) is null)
        {
            throw new InvalidOperationException($"the benchmark tx does not decode: {error.Log}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _app.Dispose();

    [Benchmark(Description = "TxDecoder.Decode (signed MsgSend)")]
    public DecodedTx? Decode() => _decoder.Decode(_txBytes, out _);

    [Benchmark(Description = "TxFactory.Sign (MsgSend)")]
    public Tx SignTx() => TxFactory.Sign(_key, TransferWorkload.ChainId, 0, 7, _fee, [_msg]);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, StatisticColumn.OperationsPerSecond);
    }
}
