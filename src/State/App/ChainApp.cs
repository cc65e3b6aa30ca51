using Chain.Crypto;
using Chain.Proto.Genesis;
using Chain.State.Blocks;
using Chain.State.Commitment;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Queries;
using Chain.State.Storage;
using Chain.State.Store;
using Chain.State.Transactions;
using Chain.State.Tree;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Chain.State.App;

/// <summary>
/// A chain's state machine composed from a list of modules: store, state commitment, router, tx pipeline and block
/// executor, built from genesis. The node, the benchmarks and every test get their chain from here, so they run the
/// same code; only the module list differs (the node's comes from its module catalog).
/// </summary>
public sealed class ChainApp : IDisposable
{
    private ChainApp(IKeyValueStore store, GenesisDoc genesis, ModuleSet modules, ulong keepVersions, CommitFault? fault, ILoggerFactory? loggers, long valueCacheBytes)
    {
        Store = store;
        Genesis = genesis;
        GenesisHash = Hashes.Sha256(genesis.ToByteArray());
        Modules = modules;
        Router = new ModuleRouter(modules);
        var consensus = genesis.ConsensusParams ?? new ConsensusParams();
        Options = new TxPipelineOptions
        {
            ChainId = genesis.ChainId,
            MaxTxBytes = consensus.TxMaxBytes == 0 ? 1024 * 1024 : consensus.TxMaxBytes,
        };
        Signatures = new SignatureCache();
        Processor = new TxProcessor(Router, modules.Keeper<IAccountKeeper>(), Options, Signatures, loggers?.CreateLogger<TxProcessor>());
        Commitment = new TreeCommitment(store, new StateTreeOptions { KeepVersions = keepVersions });
        Executor = new BlockExecutor(store, Commitment, new BlockStore(store), Router, Processor, consensus.BlockMaxGas == 0 ? ulong.MaxValue : consensus.BlockMaxGas, fault, valueCacheBytes);
        Queries = new QueryContext(Executor);
    }

    public IKeyValueStore Store { get; }

    public GenesisDoc Genesis { get; }

    /// <summary>SHA-256 of the genesis document's protobuf encoding; a data directory remembers it.</summary>
    public byte[] GenesisHash { get; }

    public ModuleSet Modules { get; }

    public ModuleRouter Router { get; }

    public TxPipelineOptions Options { get; }

    public SignatureCache Signatures { get; }

    public TxProcessor Processor { get; }

    public IStateCommitment Commitment { get; }

    public BlockExecutor Executor { get; }

    /// <summary>What module query services read (committed state, height, proofs).</summary>
    public QueryContext Queries { get; }

    public string ChainId => Genesis.ChainId;

    /// <summary>
    /// The validator set the application chose at genesis: the updates every module's EndBlock returned at height 0,
    /// after InitGenesis and the gen txs (<see cref="BlockExecutor.InitChain"/>). Kept in the store, so it is the same
    /// after a restart. Empty when the modules chose none: the genesis file's validators stand.
    /// </summary>
    public IReadOnlyList<ValidatorPowerUpdate> GenesisValidators => Executor.GenesisValidators;

    /// <summary>
    /// Opens the chain over <paramref name="store"/> and writes genesis on a fresh one (a store written from another
    /// genesis is refused). <paramref name="fault"/> is for crash tests only (<see cref="CommitFault"/>); <paramref name="loggers"/>
    /// receives what execution logs (a handler that threw), nothing when null. <paramref name="valueCacheBytes"/> bounds
    /// the cache of committed values in front of the store (<see cref="CommittedValueCache"/>; 0: none).
    /// </summary>
    /// <exception cref="GenesisStateException">Genesis is not valid for these modules, or the store belongs to another genesis.</exception>
    public static ChainApp Open(IKeyValueStore store, GenesisDoc genesis, ModuleSet modules, ulong keepVersions = 0, CommitFault? fault = null, ILoggerFactory? loggers = null,
        long valueCacheBytes = CommittedState.DefaultValueCacheBytes)
    {
        var app = new ChainApp(store, genesis, modules, keepVersions, fault, loggers, valueCacheBytes);
        var init = app.Executor.InitChain(genesis, app.GenesisHash);
        if (!init.IsOk)
        {
            app.Dispose();
            throw new GenesisStateException(init.Log);
        }

        return app;
    }

    /// <summary>
    /// The committed state as a genesis document a new chain can start from: this chain's id and consensus params,
    /// <paramref name="validators"/> (the caller knows the current set), every module's exported section with heights
    /// made relative to the last committed one (the new chain starts again at height 1), and initial_height 1. The
    /// genesis time is the caller's.
    /// </summary>
    public GenesisDoc Export(IEnumerable<GenesisValidator> validators, string genesisTime)
    {
        var doc = new GenesisDoc
        {
            ChainId = Genesis.ChainId,
            GenesisTime = genesisTime,
            InitialHeight = 1,
            ConsensusParams = Genesis.ConsensusParams?.Clone() ?? new ConsensusParams(),
        };
        doc.Validators.AddRange(validators);
        var height = Executor.LastHeight;
        var scratch = new CacheState(Executor.Committed);
        var last = Executor.Blocks.GetBlock(height)?.Header;
        var context = new MsgContext(scratch, new BlockInfo(Genesis.ChainId, height, last?.TimeUnixNanos ?? 0, []), new GasMeter(ulong.MaxValue), new EventSink());
        foreach (var module in Modules.Modules)
        {
            module.PrepareExport(context);
        }

        doc.AppState.AddRange(Modules.ExportAppState(scratch, height));
        return doc;
    }

    /// <summary>Every broken invariant of every module over the committed state.</summary>
    public IReadOnlyList<string> CheckInvariants() => Executor.CheckInvariants();

    public void Dispose() => Store.Dispose();
}
