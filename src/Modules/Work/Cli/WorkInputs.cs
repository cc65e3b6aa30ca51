using System.CommandLine;
using Chain.Client.Cli;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;

namespace Chain.Modules.Work.Cli;

/// <summary>The options every computing work command shares: --device, and the tenant's files for tenant-data rounds.</summary>
internal sealed class WorkInputs
{
    public Option<string> Device { get; } = new("--device") { Description = "Where to compute: auto (a CUDA GPU if found, else the CPU), cpu, ilgpu, ilgpu-cpu or cuda", DefaultValueFactory = _ => "auto" };

    public Option<string?> AFile { get; } = new("--a") { Description = "Tenant data: the file of A (rows x n int8 bytes, row by row)" };

    public Option<string?> BFile { get; } = new("--b") { Description = "Tenant data: the file of B (n x n int8 bytes, column by column)" };

    public void AddTo(Command command)
    {
        command.Add(Device);
        command.Add(AFile);
        command.Add(BFile);
    }

    /// <summary>The inputs of <paramref name="spec"/> and their tile tree; user errors become <see cref="CliException"/>.</summary>
    public (TileTree Tree, (sbyte[] A, sbyte[] B) Inputs, TimeSpan Elapsed, string Prover) Compute(ParseResult parse, WorkloadSpec spec, Func<string, ITileProver> provers)
    {
        try
        {
            var inputs = ReceiptBuilder.Inputs(spec, parse.GetValue(AFile), parse.GetValue(BFile));
            using var prover = provers(parse.GetRequiredValue(Device));
            var (tree, elapsed) = ReceiptBuilder.Commit(prover, spec, inputs);
            return (tree, inputs, elapsed, prover.Name);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
        {
            throw new CliException(e.Message);
        }
    }
}
