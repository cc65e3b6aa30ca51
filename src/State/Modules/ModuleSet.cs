using System.Text.RegularExpressions;
using Chain.Proto.Genesis;
using Google.Protobuf;

namespace Chain.State.Modules;

/// <summary>
/// The modules of a chain in execution order (genesis, BeginBlock and EndBlock run in this order), built one at a
/// time so a module's constructor can take what earlier modules offer (<see cref="Keeper{T}"/>). The node builds
/// its set from its module catalog; tests and benchmarks build the set they need.
/// </summary>
public sealed partial class ModuleSet
{
    private readonly List<IModule> _modules = [];

    public ModuleSet()
    {
    }

    /// <summary>A set of already built modules, in order.</summary>
    public ModuleSet(IEnumerable<IModule> modules)
    {
        foreach (var module in modules)
        {
            Add(module);
        }
    }

    public IReadOnlyList<IModule> Modules => _modules;

    /// <summary>Adds a module built from the keepers of the modules added before it.</summary>
    public ModuleSet Add(Func<ModuleSet, IModule> create) => Add(create(this));

    public ModuleSet Add(IModule module)
    {
        if (!NamePattern().IsMatch(module.Name))
        {
            throw new ArgumentException($"module name '{module.Name}' must be 1 to 32 characters of a-z and 0-9, starting with a letter");
        }

        if (Find(module.Name) is not null)
        {
            throw new ArgumentException($"two modules are named '{module.Name}'");
        }

        _modules.Add(module);
        return this;
    }

    public IModule? Find(string name)
    {
        foreach (var m in _modules)
        {
            if (m.Name == name)
            {
                return m;
            }
        }

        return null;
    }

    /// <summary>The first keeper offered by an earlier module that implements <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">No module added so far offers one.</exception>
    public T Keeper<T>()
        where T : class
    {
        foreach (var m in _modules)
        {
            foreach (var keeper in m.Keepers)
            {
                if (keeper is T found)
                {
                    return found;
                }
            }
        }

        throw new InvalidOperationException(
            $"no module registered so far offers {typeof(T).Name}; register the module that does before the one that needs it (modules so far: {string.Join(", ", Names)})");
    }

    public IEnumerable<string> Names => _modules.Select(m => m.Name);

    /// <summary>Every module's default section, in order, as `chaind init` writes them.</summary>
    public IEnumerable<ModuleGenesis> DefaultAppState() =>
        _modules.Select(m => new ModuleGenesis { Module = m.Name, State = m.DefaultGenesis().ToByteString() });

    /// <summary>
    /// Decodes the sections of <paramref name="genesis"/>: exactly one per module, none for a module this chain does
    /// not have. Returns the decoded sections in module order, or an error naming the section.
    /// </summary>
    public ExecResult TryDecode(GenesisDoc genesis, out IReadOnlyList<IMessage> sections)
    {
        var decoded = new IMessage?[_modules.Count];
        sections = [];
        foreach (var section in genesis.AppState)
        {
            var index = _modules.FindIndex(m => m.Name == section.Module);
            if (index < 0)
            {
                return GenesisError($"app_state.{section.Module}: this chain has no module named '{section.Module}' (its modules: {string.Join(", ", Names)})");
            }

            if (decoded[index] is not null)
            {
                return GenesisError($"app_state.{section.Module}: the section appears twice");
            }

            try
            {
                decoded[index] = _modules[index].GenesisDescriptor.Parser.ParseFrom(section.State);
            }
            catch (InvalidProtocolBufferException e)
            {
                return GenesisError($"app_state.{section.Module}: not a valid {_modules[index].GenesisDescriptor.FullName}: {e.Message}");
            }
        }

        for (var i = 0; i < decoded.Length; i++)
        {
            if (decoded[i] is null)
            {
                return GenesisError($"app_state.{_modules[i].Name}: the section is missing; every module needs one (`chaind init` writes each module's default)");
            }
        }

        sections = decoded!;
        return ExecResult.Ok;
    }

    /// <summary>Decodes every section and runs each module's own checks.</summary>
    public ExecResult ValidateGenesis(GenesisDoc genesis) => ValidateGenesis(genesis, out _);

    /// <summary>Decodes every section and runs each module's own checks; <paramref name="sections"/> are the decoded sections in module order.</summary>
    public ExecResult ValidateGenesis(GenesisDoc genesis, out IReadOnlyList<IMessage> sections)
    {
        var r = TryDecode(genesis, out sections);
        for (var i = 0; r.IsOk && i < sections.Count; i++)
        {
            r = _modules[i].ValidateGenesis(sections[i]);
        }

        return r;
    }

    /// <summary>The state after block <paramref name="height"/> as genesis sections of a new chain, in module order (<see cref="IModule.ExportGenesis"/>).</summary>
    public IEnumerable<ModuleGenesis> ExportAppState(Store.IStateReader state, ulong height) =>
        _modules.Select(m => new ModuleGenesis { Module = m.Name, State = m.ExportGenesis(state, height).ToByteString() });

    private static ExecResult GenesisError(string log) => ExecResult.Error("genesis", 2, log);

    [GeneratedRegex("^[a-z][a-z0-9]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
