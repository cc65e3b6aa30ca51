using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Chain.Node.App;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Execution;

namespace Chain.Bench;

/// <summary>
/// Executing (and committing) block 1 of 10,000 signed transfers on a chain opened fresh at genesis for
/// every iteration, so each iteration starts with an empty signature cache and verifies every signature.
/// Shapes: 10,000 senders x 1 tx, and 100 senders x 100 sequential txs. Figures are per tx
/// (OperationsPerInvoke); Op/s is transfers per second.
/// <c>Execute+Commit, txs from the pool</c> is a validator's usual block: its txs came through this node's mempool,
/// which decoded them and verified their signatures at admission (before the iteration, untimed), so execution takes
/// the decoded txs (<see cref="IDecodedTxs"/>) and finds the signatures in the cache.
/// </summary>
[Config(typeof(Config))]
public class BlockExecutionBenchmarks
{
    public const int Txs = 10_000;

    private TransferWorkload _workload = null!;
    private BenchStore? _store;
    private ChainApp? _app;
    private BlockExecution? _last;
    private PooledTxs? _pooled;

    [Params("10000x1", "100x100")]
    public string Shape { get; set; } = "10000x1";

    [Params(Backend.Memory, Backend.RocksDb)]
    public Backend Backend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x');
        _workload = TransferWorkload.Create(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));

        // Validation: the block runs, every tx succeeds, and it commits.
        Fresh();
        var execution = _app!.Executor.Execute(_workload.Block);
        _workload.AssertAllOk(execution);
        _app.Executor.Commit(execution, new Commit());
        Close();
    }

    [IterationSetup(Targets = [nameof(Execute), nameof(ExecuteAndCommit)])]
    public void Fresh()
    {
        _store = BenchStore.Create(Backend);
        _app = _workload.OpenApp(_store.Store);
        _last = null;
        _pooled = null;
    }

    /// <summary>A fresh chain, and what its mempool would hold for the block: its txs decoded by the app's decoder, their signatures verified and cached.</summary>
    [IterationSetup(Target = nameof(ExecuteAndCommitPooled))]
    public void FreshWithPool()
    {
        Fresh();
        var decoded = _workload.Block.Data.Txs.Select(t => _app!.Processor.Decoder.Decode(t.ToByteArray(), out _) ?? throw new InvalidOperationException("a workload tx does not decode")).ToList();
        _app!.Processor.PreVerify(decoded, _app.Executor.Committed);
        _pooled = new PooledTxs(decoded);
    }

    [IterationCleanup]
    public void Close()
    {
        if (_last is not null)
        {
            _workload.AssertAllOk(_last);
        }

        _app?.Dispose();
        _store?.Dispose();
        _app = null;
        _store = null;
    }

    [Benchmark(Description = "Execute", OperationsPerInvoke = Txs)]
    public BlockExecution Execute() => _last = _app!.Executor.Execute(_workload.Block);

    [Benchmark(Description = "Execute+Commit", OperationsPerInvoke = Txs)]
    public BlockExecution ExecuteAndCommit()
    {
        var execution = _app!.Executor.Execute(_workload.Block);
        _app.Executor.Commit(execution, new Commit());
        return _last = execution;
    }

    [Benchmark(Description = "Execute+Commit, txs from the pool", OperationsPerInvoke = Txs)]
    public BlockExecution ExecuteAndCommitPooled()
    {
        var execution = _app!.Executor.Execute(_workload.Block, known: _pooled);
        _app.Executor.Commit(execution, new Commit());
        return _last = execution;
    }

    private sealed class PooledTxs(IEnumerable<Chain.State.Transactions.DecodedTx> txs) : IDecodedTxs
    {
        private readonly Dictionary<byte[], Chain.State.Transactions.DecodedTx> _byHash = txs.ToDictionary(t => t.Hash, Chain.State.Storage.ByteArrayComparer.Instance);

        public Chain.State.Transactions.DecodedTx? Find(byte[] hash) => _byHash.GetValueOrDefault(hash);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, StatisticColumn.OperationsPerSecond);
    }
}
