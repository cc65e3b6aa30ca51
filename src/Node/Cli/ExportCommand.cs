using System.CommandLine;
using Chain.Client.Cli;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Production;
using Chain.Proto.Genesis;
using Chain.State.App;
using Chain.State.Storage;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind export`: the committed state of a stopped node as a genesis file: every module's section, the validator
/// set of the next height, the chain's consensus params. `chaind init --genesis FILE` starts a new chain from it.
/// </summary>
internal sealed class ExportCommand
{
    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;

    public ExportCommand(CliEnvironment environment, CommandHandler handler, Option<string> home)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
    }

    public Command Build()
    {
        var output = new Option<string?>("--output", "-o") { Description = "File to write the genesis to (default: standard output)" };
        var chainId = new Option<string?>("--chain-id") { Description = "Chain id of the new chain (default: this chain's)" };
        var genesisTime = new Option<string?>("--genesis-time") { Description = "RFC 3339 time of the new chain's first block (default: now)" };
        var command = new Command("export", "Write the committed state of a stopped node as a genesis file a new chain can start from")
        {
            output,
            chainId,
            genesisTime,
        };
        command.SetAction(_handler.Wrap((parse, _) => Task.FromResult(Run(
            new NodeHome(parse.GetRequiredValue(_home)),
            parse.GetValue(output),
            parse.GetValue(chainId),
            parse.GetValue(genesisTime)))));
        return command;
    }

    private int Run(NodeHome home, string? output, string? chainId, string? genesisTime)
    {
        if (!File.Exists(home.ConfigFile))
        {
            throw new CliException($"no config at {home.ConfigFile}; run `chaind init --home {home.Root}` first");
        }

        var config = NodeConfigLoader.Load(home.ConfigFile, _environment.GetEnvironmentVariable);
        if (config.State.Backend == StateBackend.Memory)
        {
            throw new CliException("state.backend is memory: this node keeps no state on disk to export");
        }

        var statePath = NodeState.StateDirectory(home.DataDirectory);
        if (!Directory.Exists(statePath))
        {
            throw new CliException($"{statePath} does not exist: the node has never started, so there is nothing to export beyond {home.GenesisFile}");
        }

        var genesis = GenesisFile.Load(home.GenesisFile);
        var time = genesisTime ?? GenesisRules.FormatTime(_environment.Time.GetUtcNow());
        var modules = ModuleCatalog.Create();
        IKeyValueStore store;
        try
        {
            store = new RocksDbKeyValueStore(statePath);
        }
        catch (Exception e) when (e is RocksDbSharp.RocksDbException or IOException)
        {
            throw new CliException($"cannot open {statePath}: {e.Message}; stop the node before exporting", e);
        }

        GenesisDoc exported;
        ulong height;
        string appHash;
        try
        {
            using var app = ChainApp.Open(store, genesis, modules);
            height = app.Executor.LastHeight;
            appHash = Convert.ToHexString(app.Executor.LastAppHash);
            var next = ValidatorSetStore.For(app).Resume();
            exported = app.Export(ExportedValidators(genesis, next.Validators), time);
        }
        catch (GenesisStateException e)
        {
            throw new CliException($"{home.GenesisFile} does not match the node's data: {e.Message}", e);
        }

        if (chainId is not null)
        {
            InitCommand.CheckChainId(chainId);
            exported.ChainId = chainId;
        }

        try
        {
            GenesisRules.Validate(exported, "exported genesis", modules);
        }
        catch (GenesisException e)
        {
            throw new CliException(e.Message, e);
        }

        var text = GenesisFile.Format(exported, modules);
        if (output is null)
        {
            _environment.Output.Write(text);
        }
        else
        {
            var path = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        _environment.Error.WriteLine(
            $"Exported the state after block {height} (app hash {appHash}) with {exported.Validators.Count} validators{(output is null ? string.Empty : " to " + output)}");
        return 0;
    }

    /// <summary>
    /// The validators of the height after the last block, named as in the old genesis where the key matches: its
    /// `validators` entry, else the operator of the gen tx that created it.
    /// </summary>
    private static IEnumerable<GenesisValidator> ExportedValidators(GenesisDoc genesis, Consensus.Validators.ConsensusValidatorSet validators)
    {
        var named = GenTxCollector.Validators(genesis);
        foreach (var v in validators.Validators)
        {
            var key = Convert.ToHexStringLower(v.PublicKey);
            var name = named.FirstOrDefault(n => n.PublicKey == key).Name ?? string.Empty;
            yield return new GenesisValidator { Name = name, PublicKey = key, Power = v.VotingPower };
        }
    }
}
