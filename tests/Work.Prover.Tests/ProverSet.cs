using Chain.Work.Prover.Cublas;
using Chain.Work.Prover.Ilgpu;

namespace Chain.Work.Prover.Tests;

/// <summary>
/// Every prover this machine can run, created once for the equality tests: the CPU path and ILGPU's CPU accelerator
/// always; ILGPU on CUDA and cuBLASLt whenever a CUDA device is present (then they must work: nothing is skipped).
/// </summary>
public sealed class ProverSet : IDisposable
{
    public ProverSet()
    {
        CudaDevices = ProverFactory.CudaDeviceNames();
        var provers = new List<IWorkProver> { new CpuProver(), IlgpuProver.CreateCpu() };
        if (CudaDevices.Count > 0)
        {
            provers.Add(IlgpuProver.CreateCuda());
            provers.Add(CublasLtProver.Create());
        }

        Provers = provers;
    }

    public IReadOnlyList<string> CudaDevices { get; }

    public IReadOnlyList<IWorkProver> Provers { get; }

    public void Dispose()
    {
        foreach (var prover in Provers)
        {
            prover.Dispose();
        }
    }
}
