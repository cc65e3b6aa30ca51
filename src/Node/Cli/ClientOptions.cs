using System.CommandLine;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>The --node and --output options of one client command, and what it needs to connect.</summary>
internal sealed class ClientOptions
{
    private readonly CliEnvironment _environment;
    private readonly Option<string> _home;

    public ClientOptions(CliEnvironment environment, Option<string> home)
    {
        _environment = environment;
        _home = home;
    }

    public Option<string?> Node { get; } = CommonOptions.Node();

    public Option<OutputFormat> Output { get; } = CommonOptions.Output();

    public void AddTo(Command command)
    {
        command.Add(Node);
        command.Add(Output);
    }

    public NodeConnection Connect(ParseResult parse) =>
        NodeConnection.Open(parse.GetValue(Node), new NodeHome(parse.GetRequiredValue(_home)), _environment.GetEnvironmentVariable);
}
