using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;

namespace Chain.Modules.Work.Cli;

/// <summary>`chaind work compute --lease ID`: asks the node for the lease's open round and computes its receipt here.</summary>
internal sealed class WorkComputeCommand(CliContext context, Func<string, ITileProver> provers)
{
    public Command Build()
    {
        var work = new Command("work", "Proof of useful work on this machine");
        var lease = new Option<ulong>("--lease") { Description = "The lease whose open round to compute", Required = true };
        var inputs = new WorkInputs();
        var client = new ClientOptions(context);
        var compute = new Command("compute", "Compute the receipt of a lease's open round (CPU or GPU) and print it; nothing is sent") { lease };
        inputs.AddTo(compute);
        client.AddTo(compute);
        compute.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            using var node = client.Connect(parse);
            var found = await node.CallAsync(o => new Query.QueryClient(node.Channel).LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = parse.GetValue(lease) }, o), ct);
            var w = found.Lease;
            if (!w.Active || w.Round == 0)
            {
                throw new CliException($"lease {w.LeaseId} has no open round (active={w.Active}, round={w.Round})");
            }

            var (tree, _, elapsed, prover) = inputs.Compute(parse, w.Spec, provers);
            var receipt = ReceiptBuilder.Receipt(w.Provider, w, tree, new Telemetry { KernelMicros = (ulong)(elapsed.Ticks / 10) });
            new ResultPrinter(context.Environment.Output).Print(parse.GetValue(client.Output), receipt, () =>
            [
                ("lease", receipt.LeaseId.ToString(CultureInfo.InvariantCulture)), ("round", receipt.Round.ToString(CultureInfo.InvariantCulture)),
                ("due_height", w.RoundDueHeight.ToString(CultureInfo.InvariantCulture)),
                ("spec", $"{w.Spec.Rows} x {w.Spec.N}, tiles of {w.Spec.TileWidth}, {ProtoEnumText.Name(w.Spec.Source)}"),
                ("output_root", Convert.ToHexStringLower(tree.Root)), ("work_units", receipt.WorkUnits.ToString(CultureInfo.InvariantCulture)),
                ("prover", prover), ("elapsed_ms", elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)),
            ]);
            return 0;
        }));
        work.Add(compute);
        return work;
    }
}
