using Chain.Node.Config;
using Chain.Node.Production;
using Chain.Proto.Genesis;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;
using Microsoft.Extensions.Logging;

namespace Chain.Node.App;

/// <summary>Opens a node's chain over its data directory with the backend its state options name.</summary>
public static class NodeState
{
    /// <summary>
    /// Opens (or creates) the node's state under <paramref name="dataDirectory"/> and writes genesis on first start,
    /// then checks that genesis gives height 1 its validators (<see cref="ValidatorSetStore.GenesisSet"/>: genesis.json's
    /// and the ones the chain made from its gen txs must agree). <paramref name="fault"/> is for crash tests only
    /// (<see cref="CommitFault"/>). <paramref name="loggers"/> receives what execution logs.
    /// </summary>
    /// <exception cref="GenesisStateException">Genesis does not fit the modules or the store, or its validators disagree.</exception>
    public static ChainApp Open(string dataDirectory, StateOptions options, GenesisDoc genesis, ModuleSet modules, CommitFault? fault = null, ILoggerFactory? loggers = null)
    {
        IKeyValueStore store = options.Backend == StateBackend.Memory
            ? new MemoryKeyValueStore()
            : new RocksDbKeyValueStore(StateDirectory(dataDirectory), StoreOptions(options));
        var app = ChainApp.Open(store, genesis, modules, options.KeepVersions, fault, loggers, options.ValueCacheBytes);
        try
        {
            _ = ValidatorSetStore.GenesisSet(app.Genesis, app.GenesisValidators);
        }
        catch (GenesisStateException)
        {
            app.Dispose();
            throw;
        }

        return app;
    }

    /// <summary>The RocksDB tuning of <paramref name="options"/>: its block cache, and its memtable total with each memtable at most half of it.</summary>
    public static RocksDbStoreOptions StoreOptions(StateOptions options) => new()
    {
        BlockCacheBytes = options.BlockCacheBytes,
        WriteBufferBytes = Math.Max(MinWriteBufferBytes / 2, options.WriteBufferBytes / 2),
        TotalWriteBufferBytes = options.WriteBufferBytes,
    };

    /// <summary>The least <see cref="StateOptions.WriteBufferBytes"/> accepted: 4 MiB.</summary>
    public const long MinWriteBufferBytes = 4L * 1024 * 1024;

    /// <summary>Where the RocksDB backend keeps the state under a data directory.</summary>
    public static string StateDirectory(string dataDirectory) => Path.Combine(dataDirectory, "state.db");
}
