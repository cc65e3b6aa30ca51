using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind tx slashing unjail` and `chaind query slashing ...`: the staking module's liveness and jail under the Cosmos SDK's group name.</summary>
public sealed class SlashingCli : IModuleCli
{
    public const string GroupName = "slashing";

    public string Name => GroupName;

    public Command TxCommand(CliContext context) => new SlashingTxCommand(context).Build();

    public Command QueryCommand(CliContext context) => new SlashingQueryCommand(context).Build();
}
