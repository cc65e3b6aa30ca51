using Chain.Modules.Work.Kernels;

namespace Chain.Work.Prover;

/// <summary>The plain C# path on every core (AVX2 where the processor has it), for providers without a GPU.</summary>
public sealed class CpuProver : IWorkProver
{
    public string Name => $"cpu ({Environment.ProcessorCount} cores{(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? ", AVX2" : string.Empty)})";

    public int[] Multiply(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape) => TileKernel.Multiply(a, bColumnMajor, shape);

    public TileTree Commit(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape) => TileTree.Of(TileKernel.Multiply(a, bColumnMajor, shape), shape);

    public void Dispose()
    {
    }
}
