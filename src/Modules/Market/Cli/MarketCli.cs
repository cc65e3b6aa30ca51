using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Market.Cli;

/// <summary>`chaind tx market ...` (providers, orders, bids, leases, escrow) and `chaind query market ...`.</summary>
public sealed class MarketCli : IModuleCli
{
    public string Name => MarketModule.ModuleName;

    public Command TxCommand(CliContext context) => new MarketTxCommand(context).Build();

    public Command QueryCommand(CliContext context) => new MarketQueryCommand(context).Build();
}
