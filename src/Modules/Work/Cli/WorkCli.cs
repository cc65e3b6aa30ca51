using System.CommandLine;
using Chain.Client.Cli;
using Chain.Modules.Work.Kernels;

namespace Chain.Modules.Work.Cli;

/// <summary>
/// `chaind tx work ...` (bonds, receipts, responses, tenant data, tile requests, disputes), `chaind query work ...`
/// and `chaind work compute`. Commands that compute take --device, handed to <paramref name="provers"/> (the node
/// passes Chain.Work.Prover's factory: auto, cpu, ilgpu, ilgpu-cpu, cuda).
/// </summary>
public sealed class WorkCli(Func<string, ITileProver> provers) : IModuleCli
{
    public string Name => WorkModule.ModuleName;

    public Command TxCommand(CliContext context) => new WorkTxCommand(context, provers).Build();

    public Command QueryCommand(CliContext context) => new WorkQueryCommand(context).Build();

    /// <summary>`chaind work compute --lease ID`: the receipt of a lease's open round, computed here, printed and not sent.</summary>
    public Command ComputeCommand(CliContext context) => new WorkComputeCommand(context, provers).Build();
}
