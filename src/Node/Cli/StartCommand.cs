using System.CommandLine;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;

namespace Chain.Node.Cli;

/// <summary>`chaind start`: loads config (file, env, flags), the validated genesis and the validator key, then runs the node.</summary>
internal sealed class StartCommand
{
    /// <summary>Config keys that have a `--section.key` flag on start.</summary>
    public static readonly IReadOnlyList<string> FlagKeys =
    [
        "moniker",
        "grpc.address",
        "metrics.address",
        "gateway.address",
        "p2p.listen_address",
        "consensus.timeout_commit",
        "log.level",
        "log.format",
        "log.file",
        "state.backend",
    ];

    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;

    public StartCommand(CliEnvironment environment, CommandHandler handler, Option<string> home)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
    }

    public Command Build()
    {
        var command = new Command("start", "Run the node");
        var flags = new List<(string Key, Option<string?> Option)>();
        foreach (var path in FlagKeys)
        {
            var key = ConfigSchema.Find(path)!;
            var option = new Option<string?>("--" + path) { Description = $"{key.Description} Overrides {key.EnvironmentVariable} and config.toml." };
            command.Add(option);
            flags.Add((path, option));
        }

        command.SetAction(_handler.Wrap(async (parse, ct) =>
        {
            var home = new NodeHome(parse.GetRequiredValue(_home));
            if (!File.Exists(home.ConfigFile))
            {
                throw new CliException($"no config at {home.ConfigFile}; run `chaind init --home {home.Root}` first");
            }

            var overrides = new Dictionary<string, string>();
            foreach (var (path, option) in flags)
            {
                if (parse.GetValue(option) is { } value)
                {
                    overrides[path] = value;
                }
            }

            var config = NodeConfigLoader.Load(home.ConfigFile, _environment.GetEnvironmentVariable, overrides);
            var genesis = GenesisFile.Load(home.GenesisFile);
            if (NodeRunner.CheckFits(config, genesis) is { } problem)
            {
                throw new CliException(problem);
            }

            var validatorKey = KeyPairFile.Read(home.PrivValidatorKeyFile);
            return await NodeRunner.RunAsync(home, config, genesis, validatorKey, ct);
        }));
        return command;
    }
}
