using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Node.Cli;

/// <summary>`chaind query ...`: the query commands of every module in the catalog, in its order, then tx by hash and block by height.</summary>
internal sealed class QueryCommand
{
    private readonly CliContext _context;
    private readonly IEnumerable<IModuleCli> _modules;

    public QueryCommand(CliContext context, IEnumerable<IModuleCli> modules)
    {
        _context = context;
        _modules = modules;
    }

    public Command Build()
    {
        var query = new Command("query", "Query a node");
        query.Aliases.Add("q");
        foreach (var module in _modules)
        {
            ModuleCommand.AddTo(query, module, module.QueryCommand(_context));
        }

        query.Add(Tx());
        query.Add(Block());
        return query;
    }

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private Command Tx()
    {
        var hash = new Argument<string>("hash") { Description = "Tx hash (64 hex characters)" };
        var command = new Command("tx", "A committed tx and its result") { hash };
        new ClientOptions(_context).SetQueryAction(
            command,
            parse => new GetTxRequest { TxHash = ByteString.CopyFrom(ClientInput.TxHash(parse.GetRequiredValue(hash))) },
            (node, request, o) => new Service.ServiceClient(node.Channel).GetTxAsync(request, o),
            (request, response) =>
            {
                var result = response.Result ?? new TxResult();
                return
                [
                    ("txhash", ResultPrinter.Hex(request.TxHash)),
                    ("height", N(result.Height)),
                    ("index", result.Index.ToString(CultureInfo.InvariantCulture)),
                    ("code", result.Code.ToString(CultureInfo.InvariantCulture)),
                    ("codespace", result.Codespace),
                    ("log", result.Log),
                    ("gas_wanted", N(result.GasWanted)),
                    ("gas_used", N(result.GasUsed)),
                    ("events", string.Join(", ", result.Events.Select(e => e.Type))),
                    ("tx_bytes", N((ulong)response.TxBytes.Length)),
                ];
            });
        return command;
    }

    private Command Block()
    {
        var height = new Argument<ulong>("height")
        {
            Description = "Block height (default: the latest)",
            DefaultValueFactory = _ => 0UL,
        };
        var command = new Command("block", "A committed block") { height };
        new ClientOptions(_context).SetQueryAction(
            command,
            parse => new GetBlockRequest { Height = parse.GetValue(height) },
            (node, request, o) => new Blocks.BlocksClient(node.Channel).GetBlockAsync(request, o),
            (_, response) =>
            {
                var header = response.Block?.Header ?? new Header();
                return
                [
                    ("height", N(header.Height)),
                    ("hash", response.BlockId is null ? string.Empty : ResultPrinter.Hex(response.BlockId.Hash)),
                    ("time", ResultPrinter.Time(header.TimeUnixNanos)),
                    ("chain_id", header.ChainId),
                    ("proposer", ResultPrinter.Hex(header.ProposerAddress)),
                    ("app_hash", ResultPrinter.Hex(header.AppHash)),
                    ("txs", N((ulong)(response.Block?.Data?.Txs.Count ?? 0))),
                ];
            });
        return command;
    }
}
