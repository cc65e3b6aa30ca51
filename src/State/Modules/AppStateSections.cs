using Chain.Proto.Genesis;
using Google.Protobuf;

namespace Chain.State.Modules;

/// <summary>Typed access to one module's section of a genesis document (tests, `chaind init`, `chaind testnet init`).</summary>
public static class AppStateSections
{
    /// <summary>The section of <paramref name="module"/> decoded as <typeparamref name="T"/>; a new one when absent.</summary>
    public static T Get<T>(GenesisDoc genesis, string module)
        where T : IMessage<T>, new()
    {
        foreach (var s in genesis.AppState)
        {
            if (s.Module == module)
            {
                var value = new T();
                value.MergeFrom(s.State);
                return value;
            }
        }

        return new T();
    }

    /// <summary>Replaces (or appends) the section of <paramref name="module"/>.</summary>
    public static void Set(GenesisDoc genesis, string module, IMessage state)
    {
        var bytes = state.ToByteString();
        foreach (var s in genesis.AppState)
        {
            if (s.Module == module)
            {
                s.State = bytes;
                return;
            }
        }

        genesis.AppState.Add(new ModuleGenesis { Module = module, State = bytes });
    }

    /// <summary>Reads the section, lets <paramref name="change"/> edit it, and writes it back.</summary>
    public static void Update<T>(GenesisDoc genesis, string module, Action<T> change)
        where T : IMessage<T>, new()
    {
        var value = Get<T>(genesis, module);
        change(value);
        Set(genesis, module, value);
    }
}
