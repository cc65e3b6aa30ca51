using Chain.Modules.Work.Kernels;

namespace Chain.Work.Prover;

/// <summary>
/// Computes a receipt's product C = A x B (A: Rows x N int8 row-major, B: N x N int8 column-major, C: Rows x N
/// int32 row-major) and its output commitment, the Merkle tree over the 1 x k tiles of C in row-major order. Every
/// implementation gives the same C, the same root and the same audit paths, bit for bit.
/// </summary>
public interface IWorkProver : ITileProver
{
    /// <summary>C = A x B, exactly.</summary>
    int[] Multiply(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape);
}
