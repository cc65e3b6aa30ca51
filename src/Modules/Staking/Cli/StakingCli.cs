using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind tx staking ...` (validators, delegations) and `chaind query staking ...`.</summary>
public sealed class StakingCli : IModuleCli
{
    public string Name => StakingModule.ModuleName;

    public Command TxCommand(CliContext context) => new StakingTxCommand(context).Build();

    public Command QueryCommand(CliContext context) => new StakingQueryCommand(context).Build();
}
