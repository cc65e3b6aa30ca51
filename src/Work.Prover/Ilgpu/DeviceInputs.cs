using Chain.Modules.Work.Kernels;

namespace Chain.Work.Prover.Ilgpu;

/// <summary>The checks every device path makes before it allocates anything.</summary>
internal static class DeviceInputs
{
    public static void Check(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(bColumnMajor);
        ArgumentNullException.ThrowIfNull(shape);
        if (a.Length != (long)shape.Rows * shape.N)
        {
            throw new ArgumentException($"A holds {a.Length} values, a {shape.Rows} x {shape.N} matrix has {(long)shape.Rows * shape.N}", nameof(a));
        }

        if (bColumnMajor.Length != (long)shape.N * shape.N)
        {
            throw new ArgumentException($"B holds {bColumnMajor.Length} values, a {shape.N} x {shape.N} matrix has {(long)shape.N * shape.N}", nameof(bColumnMajor));
        }

        if ((long)shape.Rows * shape.N > Array.MaxLength)
        {
            throw new ArgumentException($"a {shape.Rows} x {shape.N} product does not fit one array", nameof(shape));
        }
    }
}
