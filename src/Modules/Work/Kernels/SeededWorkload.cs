namespace Chain.Modules.Work.Kernels;

/// <summary>The whole of a seeded workload's inputs, as a prover needs them (a validator regenerates single rows and columns).</summary>
public static class SeededWorkload
{
    /// <summary>
    /// A (Rows x N, row-major) and B (N x N, column-major) from <paramref name="seed"/> (32 bytes) by
    /// <see cref="SeededMatrices"/>, rows and columns generated in parallel, one AES key schedule per worker.
    /// </summary>
    public static (sbyte[] A, sbyte[] BColumnMajor) Generate(byte[] seed, WorkloadShape shape)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(shape);
        var n = shape.N;
        if ((long)shape.Rows * n > Array.MaxLength || (long)n * n > Array.MaxLength)
        {
            throw new ArgumentException($"a {shape.Rows} x {n} workload does not fit in arrays", nameof(shape));
        }

        using (new SeededMatrices(seed, n))
        {
            // Checks the seed and n once, on the caller's thread, before any worker starts.
        }

        var a = new sbyte[shape.Rows * n];
        var b = new sbyte[n * n];
        Fill(seed, n, shape.Rows, (inputs, i) => inputs.RowOfA(i, a.AsSpan(i * n, n)));
        Fill(seed, n, n, (inputs, j) => inputs.ColumnOfB(j, b.AsSpan(j * n, n)));
        return (a, b);
    }

    private static void Fill(byte[] seed, int n, int count, Action<SeededMatrices, int> generate) =>
        Parallel.For(
            0,
            count,
            () => new SeededMatrices(seed, n),
            (index, _, inputs) =>
            {
                generate(inputs, index);
                return inputs;
            },
            inputs => inputs.Dispose());
}
