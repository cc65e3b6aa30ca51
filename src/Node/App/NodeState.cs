using Chain.Node.Config;
using Chain.Proto.Genesis;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;

namespace Chain.Node.App;

/// <summary>Opens a node's chain over its data directory with the backend its state options name.</summary>
public static class NodeState
{
    /// <summary>
    /// Opens (or creates) the node's state under <paramref name="dataDirectory"/> and writes genesis on first start.
    /// <paramref name="fault"/> is for crash tests only (<see cref="CommitFault"/>).
    /// </summary>
    public static ChainApp Open(string dataDirectory, StateOptions options, GenesisDoc genesis, ModuleSet modules, CommitFault? fault = null)
    {
        IKeyValueStore store = options.Backend == StateBackend.Memory
            ? new MemoryKeyValueStore()
            : new RocksDbKeyValueStore(StateDirectory(dataDirectory));
        return ChainApp.Open(store, genesis, modules, options.KeepVersions, fault);
    }

    /// <summary>Where the RocksDB backend keeps the state under a data directory.</summary>
    public static string StateDirectory(string dataDirectory) => Path.Combine(dataDirectory, "state.db");
}
