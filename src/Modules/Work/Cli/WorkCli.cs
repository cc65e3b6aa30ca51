using System.CommandLine;
using Chain.Client.Cli;

namespace Chain.Modules.Work.Cli;

/// <summary>`chaind tx work ...` and `chaind query work ...` (commands come with the prover-side helpers).</summary>
public sealed class WorkCli : IModuleCli
{
    public string Name => WorkModule.ModuleName;

    public Command? TxCommand(CliContext context) => null;

    public Command? QueryCommand(CliContext context) => null;
}
