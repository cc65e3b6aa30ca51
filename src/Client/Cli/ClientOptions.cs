using System.CommandLine;

namespace Chain.Client.Cli;

/// <summary>The --node and --output options of one client command, and what it needs to connect.</summary>
public sealed class ClientOptions
{
    private readonly CliContext _context;

    public ClientOptions(CliContext context)
    {
        _context = context;
    }

    public Option<string?> Node { get; } = CommonOptions.Node();

    public Option<OutputFormat> Output { get; } = CommonOptions.Output();

    public void AddTo(Command command)
    {
        command.Add(Node);
        command.Add(Output);
    }

    public NodeConnection Connect(ParseResult parse) =>
        _context.ClientHome.Connect(parse.GetValue(Node), parse.GetRequiredValue(_context.Home));
}
