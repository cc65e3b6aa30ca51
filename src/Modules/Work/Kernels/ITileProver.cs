namespace Chain.Modules.Work.Kernels;

/// <summary>
/// What a provider's tools need of a prover (Chain.Work.Prover has the CPU, ILGPU and cuBLASLt ones): the output
/// commitment of C = A x B (A: rows x n int8 row-major, B: n x n int8 column-major), the tile tree whose root a receipt
/// carries and whose paths a challenge response opens. Every implementation gives the same tree, bit for bit.
/// </summary>
public interface ITileProver : IDisposable
{
    /// <summary>What computes (for logs): the path and the device.</summary>
    string Name { get; }

    /// <summary>The tile tree of A x B (leaves, every level and the root), ready to open challenged tiles.</summary>
    TileTree Commit(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape);
}
