using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind tx distribution ...` (rewards, commission, community pool) and `chaind query distribution ...`: the staking module's F1 distribution under the Cosmos SDK's group name.</summary>
public sealed class DistributionCli : IModuleCli
{
    public const string GroupName = "distribution";

    public string Name => GroupName;

    public Command TxCommand(CliContext context) => new DistributionTxCommand(context).Build();

    public Command QueryCommand(CliContext context) => new DistributionQueryCommand(context).Build();
}
