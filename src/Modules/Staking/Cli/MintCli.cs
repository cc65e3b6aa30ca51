using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Staking.Cli;

/// <summary>`chaind query mint inflation`: the staking module's minter under the Cosmos SDK's group name; no txs.</summary>
public sealed class MintCli : IModuleCli
{
    public const string GroupName = "mint";

    public string Name => GroupName;

    public Command? TxCommand(CliContext context) => null;

    public Command QueryCommand(CliContext context) => new MintQueryCommand(context).Build();
}
