using System.CommandLine;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Proto.Genesis;

namespace Chain.Node.Cli;

/// <summary>`chaind init`: a new home with config, a single-validator genesis, node and validator keys and a funded keyring key.</summary>
internal sealed class InitCommand
{
    public const string ValidatorKeyName = HomeKeys.AccountName;

    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;
    private readonly KeyringOptions _keyring;

    public InitCommand(CliEnvironment environment, CommandHandler handler, Option<string> home, KeyringOptions keyring)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
        _keyring = keyring;
    }

    public Command Build()
    {
        var moniker = new Option<string?>("--moniker") { Description = "Name of this node (default: the host name)" };
        var chainId = new Option<string>("--chain-id")
        {
            Description = "Chain id written to genesis.json",
            DefaultValueFactory = _ => DefaultGenesis.ChainId,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the config, genesis and keys of an existing home" };
        var genesisFile = new Option<string?>("--genesis")
        {
            Description = "Start from this genesis file (e.g. one `chaind export` wrote) instead of a new single-validator genesis; its chain id is used",
        };
        var command = new Command("init", "Create a node home: config.toml, genesis.json, node and validator keys, keyring key 'validator'")
        {
            moniker,
            chainId,
            overwrite,
            genesisFile,
        };
        command.SetAction(_handler.Wrap((parse, _) =>
        {
            var from = parse.GetValue(genesisFile);
            if (from is not null && parse.GetResult(chainId) is { Implicit: false })
            {
                throw new CliException("--chain-id and --genesis do not go together: the chain id comes from the genesis file");
            }

            var backend = _keyring.TypedBackend(parse)
                ?? NodeConfigLoader.ApplyEnvironment(new NodeConfig(), _environment.GetEnvironmentVariable).Client.KeyringBackend;
            return Task.FromResult(Run(
                new NodeHome(parse.GetRequiredValue(_home)),
                backend,
                () => _keyring.Passphrases(parse, _environment),
                parse.GetValue(moniker),
                parse.GetRequiredValue(chainId),
                parse.GetValue(overwrite),
                from));
        }));
        return command;
    }

    private int Run(NodeHome home, KeyringBackend backend, Func<IPassphraseSource> passphrases, string? moniker, string chainId, bool overwrite, string? genesisFile)
    {
        var existing = HomeKeys.ExistingNodeFiles(home);
        if (existing.Length > 0 && !overwrite)
        {
            throw new CliException(
                $"{home.Root} already holds a node ({string.Join(", ", existing)}); pass --overwrite to replace its config, genesis and keys");
        }

        var config = new NodeConfig { Client = new ClientDefaults { KeyringBackend = backend } };
        var monikerKey = ConfigSchema.Find("moniker")!;
        config = monikerKey.TrySet(config, moniker ?? DefaultMoniker())
            ?? throw new CliException($"--moniker '{moniker}' is not allowed; expected {monikerKey.Allowed}");
        GenesisDoc? given = null;
        if (genesisFile is not null)
        {
            try
            {
                given = GenesisFile.Load(Path.GetFullPath(genesisFile));
            }
            catch (GenesisException e)
            {
                throw new CliException($"--genesis: {e.Message}", e);
            }

            chainId = given.ChainId;
        }
        else
        {
            CheckChainId(chainId);
        }

        var keys = HomeKeys.Create(home, overwrite, new Keyring(KeyringBackends.DirectoryUnder(home.Root, backend), backend, passphrases()));
        var account = keys.Account;
        var validatorKey = keys.ValidatorKey;
        GenesisDoc genesis;
        if (given is null)
        {
            var (created, gentxs) = DefaultGenesis.Create(chainId, [new GenesisOperator(keys.AccountKey, validatorKey.PublicKey, config.Moniker)], _environment.Time.GetUtcNow());
            genesis = created;
            GenTxFile.Write(keys.GenTxFilePath(home), gentxs.Single());
        }
        else
        {
            genesis = given;
        }

        GenesisRules.Validate(genesis);
        GenesisFile.Write(home.GenesisFile, genesis);
        NodeConfigWriter.Write(home.ConfigFile, config);

        var output = _environment.Output;
        output.WriteLine($"Initialized node home {home.Root}");
        output.WriteLine($"  chain id:          {chainId}");
        output.WriteLine($"  moniker:           {config.Moniker}");
        output.WriteLine($"  validator address: {Convert.ToHexStringLower(validatorKey.Address)}");
        output.WriteLine($"  keyring:           {KeyringBackends.Name(backend)} ({KeyringBackends.DirectoryUnder(home.Root, backend)}){(backend == KeyringBackend.Test ? ": UNENCRYPTED, for testnets only" : string.Empty)}");
        if (given is null)
        {
            output.WriteLine($"  account '{ValidatorKeyName}':   {account.Address} ({DefaultGenesis.AccountFunds}uchn)");
            output.WriteLine($"  gentx:             {keys.GenTxFilePath(home)} (self-delegates {DefaultGenesis.SelfDelegation}uchn: power {DefaultGenesis.ValidatorPower}){ValidatorsNote(genesis)}");
        }
        else
        {
            var validators = GenTxCollector.Validators(given);
            output.WriteLine($"  genesis:           {genesisFile} ({validators.Count} validators, {given.GenTxs.Count} gen txs, {given.AppState.Count} module sections)");
            output.WriteLine($"  account '{ValidatorKeyName}':   {account.Address} (unfunded)");
            var key = Convert.ToHexStringLower(validatorKey.PublicKey);
            if (!validators.Any(v => v.PublicKey == key))
            {
                _environment.Error.WriteLine(
                    $"Note: this node's new validator key is not in the genesis validator set, so it follows the chain without voting; to validate, put that validator's priv_validator_key.json in {home.ConfigDirectory}");
            }
        }
        if (Directory.EnumerateFileSystemEntries(home.DataDirectory).Any())
        {
            _environment.Error.WriteLine($"Warning: {home.DataDirectory} still holds data from before; remove it before `chaind start`");
        }

        return 0;
    }

    /// <summary>Checks a --chain-id before anything is written.</summary>
    internal static void CheckChainId(string chainId)
    {
        if (!GenesisRules.IsValidChainId(chainId))
        {
            throw new CliException($"--chain-id '{chainId}' must be 1 to 48 characters of a-z, 0-9 and '-'");
        }
    }

    /// <summary>How the genesis written by init makes its validators, when not by gen txs.</summary>
    internal static string ValidatorsNote(GenesisDoc genesis) =>
        genesis.GenTxs.Count > 0
            ? string.Empty
            : $"; listed in genesis.json's validators, since this chaind's modules do not handle {GenTx.TypeUrl} yet";

    private static string DefaultMoniker()
    {
        var name = Environment.MachineName;
        return string.IsNullOrWhiteSpace(name) ? "node" : name[..Math.Min(64, name.Length)];
    }
}
