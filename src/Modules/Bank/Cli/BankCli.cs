using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Bank.Cli;

/// <summary>`chaind tx bank send` and `chaind query bank balance|account|supply|params`.</summary>
public sealed class BankCli : IModuleCli
{
    public string Name => BankModule.ModuleName;

    public Command TxCommand(CliContext context) => new BankTxCommand(context).Build();

    public Command QueryCommand(CliContext context) => new BankQueryCommand(context).Build();
}
