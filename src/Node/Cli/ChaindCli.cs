using System.CommandLine;

namespace Chain.Node.Cli;

/// <summary>The `chaind` command tree: init, keys, start, tx, query, status, testnet.</summary>
public sealed class ChaindCli
{
    private readonly CliEnvironment _environment;

    public ChaindCli(CliEnvironment environment)
    {
        _environment = environment;
        var handler = new CommandHandler(environment);
        var home = CommonOptions.Home(environment.GetEnvironmentVariable);
        Root = new RootCommand("chaind: a DPoS appchain node for GPU compute leases") { home };
        Root.Add(new InitCommand(environment, handler, home).Build());
        Root.Add(new KeysCommand(environment, handler, home).Build());
        Root.Add(new StartCommand(environment, handler, home).Build());
        Root.Add(new TxCommand(environment, handler, home).Build());
        Root.Add(new QueryCommand(environment, handler, home).Build());
        Root.Add(new StatusCommand(environment, handler, home).Build());
        Root.Add(new ExportCommand(environment, handler, home).Build());
        Root.Add(new TestnetCommand(environment, handler).Build());
    }

    public RootCommand Root { get; }

    public Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct = default) =>
        Root.Parse(args).InvokeAsync(
            new InvocationConfiguration { Output = _environment.Output, Error = _environment.Error },
            ct);
}
