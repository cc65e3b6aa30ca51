using Chain.Modules.Work.Cli;
using System.CommandLine;
using Chain.Client.Cli;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;

namespace Chain.Node.Cli;

/// <summary>The `chaind` command tree: init, genesis, keys, start, tx and query (with the commands of the catalog's modules), status, testnet.</summary>
public sealed class ChaindCli
{
    private readonly CliEnvironment _environment;

    public ChaindCli(CliEnvironment environment)
    {
        _environment = environment;
        var handler = new CommandHandler(environment, e => e is ConfigException or GenesisException);
        var home = HomeOption(environment.GetEnvironmentVariable);
        var keyring = new KeyringOptions();
        var context = new CliContext(environment, handler, home, new NodeClientHome(environment.GetEnvironmentVariable), keyring);
        Root = new RootCommand("chaind: a DPoS appchain node for GPU compute leases") { home, keyring.Backend, keyring.PassphraseFile };
        Root.Add(new InitCommand(environment, handler, home, keyring).Build());
        Root.Add(new GenesisCommand(environment, handler, home, keyring).Build());
        Root.Add(new KeysCommand(environment, handler, home, keyring).Build());
        Root.Add(new StartCommand(environment, handler, home).Build());
        Root.Add(new TxCommand(context, ModuleCatalog.Clis).Build());
        Root.Add(new QueryCommand(context, ModuleCatalog.Clis).Build());
        Root.Add(new StatusCommand(context).Build());
        Root.Add(ModuleCatalog.Clis.OfType<WorkCli>().Single().ComputeCommand(context));
        Root.Add(new ProviderCommand(environment, handler).Build());
        Root.Add(new TenantCommand(environment, handler, home).Build());
        Root.Add(new ExportCommand(environment, handler, home).Build());
        Root.Add(new TestnetCommand(environment, handler).Build());
    }

    public RootCommand Root { get; }

    public Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct = default) =>
        Root.Parse(args).InvokeAsync(
            new InvocationConfiguration { Output = _environment.Output, Error = _environment.Error },
            ct);

    private static Option<string> HomeOption(Func<string, string?> getEnvironmentVariable) => new("--home")
    {
        Description = "Node home directory (default: $CHAIND_HOME or ~/.chaind)",
        Recursive = true,
        DefaultValueFactory = _ => NodeHome.DefaultRoot(getEnvironmentVariable),
    };
}
