using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Client.Cli;

/// <summary>The --node and --output options of one client command, what it needs to connect, and the action of a query.</summary>
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

    /// <summary>
    /// Adds these options to <paramref name="command"/> and makes it one query: the request from what was typed (its
    /// checks fail before anything is sent), one call to the node, and the response printed as JSON or as the lines of
    /// <paramref name="text"/>.
    /// </summary>
    public void SetQueryAction<TRequest, TResponse>(
        Command command,
        Func<ParseResult, TRequest> request,
        Func<NodeConnection, TRequest, CallOptions, AsyncUnaryCall<TResponse>> call,
        Func<TRequest, TResponse, IEnumerable<(string Name, string Value)>> text)
        where TResponse : IMessage
    {
        AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var sent = request(parse);
            using var node = Connect(parse);
            var response = await node.CallAsync(o => call(node, sent, o), ct);
            new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(Output), response, () => text(sent, response));
            return 0;
        }));
    }
}
