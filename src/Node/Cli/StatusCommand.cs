using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Proto.NodeService;

namespace Chain.Node.Cli;

/// <summary>`chaind status`: chain id, latest block, block sync progress and the node's identity.</summary>
internal sealed class StatusCommand
{
    private readonly CliContext _context;

    public StatusCommand(CliContext context)
    {
        _context = context;
    }

    public Command Build()
    {
        var command = new Command("status", "Status of a node");
        new ClientOptions(_context).SetQueryAction(
            command,
            _ => new StatusRequest(),
            (node, request, o) => new Status.StatusClient(node.Channel).GetStatusAsync(request, o),
            (_, s) =>
            [
                ("chain_id", s.ChainId),
                ("moniker", s.Moniker),
                ("node_id", s.NodeId),
                ("version", s.Version),
                ("latest_height", s.LatestHeight.ToString(CultureInfo.InvariantCulture)),
                ("latest_block_hash", ResultPrinter.Hex(s.LatestBlockHash)),
                ("latest_app_hash", ResultPrinter.Hex(s.LatestAppHash)),
                ("latest_block_time", ResultPrinter.Time(s.LatestBlockTimeUnixNanos)),
                ("catching_up", s.CatchingUp ? "true" : "false"),
                ("sync_target_height", s.SyncTargetHeight.ToString(CultureInfo.InvariantCulture)),
                ("sync_blocks_per_second", s.SyncBlocksPerSecond.ToString("0.0", CultureInfo.InvariantCulture)),
                ("sync_seconds_left", s.SyncSecondsLeft.ToString("0", CultureInfo.InvariantCulture)),
                ("mempool_size", s.MempoolSize.ToString(CultureInfo.InvariantCulture)),
                ("validator_address", ResultPrinter.Hex(s.ValidatorAddress)),
            ]);
        return command;
    }
}
