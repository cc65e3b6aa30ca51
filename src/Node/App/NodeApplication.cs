using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Modules.Market;
using Chain.Node.Config;
using Chain.Proto.Genesis;
using Chain.State.Blocks;
using Chain.State.Commitment;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Transactions;
using Chain.State.Tree;
using Google.Protobuf;

namespace Chain.Node.App;

/// <summary>
/// The composition root of the state machine: store, state commitment, modules, tx pipeline and block
/// executor, built from genesis and the state options. The node, the benchmarks and the tests all get
/// their chain from here, so they run the same code.
/// </summary>
public sealed class NodeApplication : IDisposable
{
    private NodeApplication(IKeyValueStore store, GenesisDoc genesis, byte[] genesisHash, ulong keepVersions, CommitFault? fault)
    {
        Store = store;
        Genesis = genesis;
        GenesisHash = genesisHash;
        Bank = new BankKeeper();
        Market = new MarketKeeper(new MarketBankAdapter(Bank));
        Router = new ModuleRouter([new BankModule(Bank), new MarketModule(Market)]);
        var consensus = genesis.ConsensusParams ?? new ConsensusParams();
        Options = new TxPipelineOptions
        {
            ChainId = genesis.ChainId,
            MaxTxBytes = consensus.TxMaxBytes == 0 ? 1024 * 1024 : consensus.TxMaxBytes,
        };
        Signatures = new SignatureCache();
        Processor = new TxProcessor(Router, Bank, Options, Signatures);
        Commitment = new TreeCommitment(store, new StateTreeOptions { KeepVersions = keepVersions });
        Executor = new BlockExecutor(store, Commitment, new BlockStore(store), Router, Processor, consensus.BlockMaxGas == 0 ? ulong.MaxValue : consensus.BlockMaxGas, fault);
    }

    public IKeyValueStore Store { get; }

    public GenesisDoc Genesis { get; }

    public byte[] GenesisHash { get; }

    public BankKeeper Bank { get; }

    public MarketKeeper Market { get; }

    public ModuleRouter Router { get; }

    public TxPipelineOptions Options { get; }

    public SignatureCache Signatures { get; }

    public TxProcessor Processor { get; }

    public IStateCommitment Commitment { get; }

    public BlockExecutor Executor { get; }

    public string ChainId => Genesis.ChainId;

    /// <summary>
    /// Opens (or creates) the node's state under <paramref name="dataDirectory"/> and writes genesis on first start.
    /// <paramref name="fault"/> is for crash tests only (<see cref="CommitFault"/>).
    /// </summary>
    public static NodeApplication Open(string dataDirectory, StateOptions options, GenesisDoc genesis, CommitFault? fault = null)
    {
        IKeyValueStore store = options.Backend == StateBackend.Memory
            ? new MemoryKeyValueStore()
            : new RocksDbKeyValueStore(Path.Combine(dataDirectory, "state.db"));
        return Open(store, genesis, options.KeepVersions, fault);
    }

    /// <summary>Opens the chain over a given store (an in-memory one for tests and benchmarks).</summary>
    public static NodeApplication Open(IKeyValueStore store, GenesisDoc genesis, ulong keepVersions = 0, CommitFault? fault = null)
    {
        var app = new NodeApplication(store, genesis, Hashes.Sha256(genesis.ToByteArray()), keepVersions, fault);
        var init = app.Executor.InitChain(genesis, app.GenesisHash);
        if (!init.IsOk)
        {
            app.Dispose();
            throw new GenesisStateException(init.Log);
        }

        return app;
    }

    public void Dispose() => Store.Dispose();
}
