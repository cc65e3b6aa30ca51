using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Chain.Modules.Work.Kernels;

/// <summary>The whole product on the CPU, for providers without a GPU and as the reference the GPU paths are tested against.</summary>
public static partial class TileKernel
{
    /// <summary>Rows of A one worker takes at a time: their int16 copies stay in L2 while 4 columns of B at a time pass.</summary>
    private const int RowBlock = 16;

    /// <summary>
    /// C = A x B exactly (Rows x N int32, row-major) from A (Rows x N int8, row-major) and B (N x N int8, column-major),
    /// parallel over blocks of rows on every core. B is widened to int16 once and each block of A as it is taken;
    /// with AVX2 a 2-row x 4-column kernel multiply-adds adjacent pairs (the same exact sums as <see cref="Dot"/>).
    /// </summary>
    public static unsafe int[] Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> bColumnMajor, WorkloadShape shape)
    {
        CheckInputs(a, bColumnMajor, shape);
        var c = new int[shape.Rows * shape.N];
        fixed (sbyte* pa = a)
        fixed (sbyte* pb = bColumnMajor)
        {
            var aAddress = (nint)pa;
            var bAddress = (nint)pb;
            if (!Avx2.IsSupported)
            {
                Parallel.For(0, shape.Rows, i => MultiplyRowPortable((sbyte*)aAddress, (sbyte*)bAddress, c, shape.N, i));
                return c;
            }

            var n = shape.N;
            var b16 = ArrayPool<short>.Shared.Rent(n * n);
            try
            {
                Parallel.For(0, n, j => Widen(new ReadOnlySpan<sbyte>((sbyte*)bAddress + ((long)j * n), n), b16.AsSpan(j * n, n)));
                var blocks = (shape.Rows + RowBlock - 1) / RowBlock;
                Parallel.For(0, blocks, block => MultiplyBlockAvx2((sbyte*)aAddress, b16, c, shape, block));
            }
            finally
            {
                ArrayPool<short>.Shared.Return(b16);
            }
        }

        return c;
    }

    /// <summary>The product one element at a time through <see cref="DotVector128"/>/<see cref="DotScalar"/>, for machines without AVX2 (and tests).</summary>
    internal static unsafe int[] MultiplyPortable(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> bColumnMajor, WorkloadShape shape)
    {
        CheckInputs(a, bColumnMajor, shape);
        var c = new int[shape.Rows * shape.N];
        fixed (sbyte* pa = a)
        fixed (sbyte* pb = bColumnMajor)
        {
            var aAddress = (nint)pa;
            var bAddress = (nint)pb;
            Parallel.For(0, shape.Rows, i => MultiplyRowPortable((sbyte*)aAddress, (sbyte*)bAddress, c, shape.N, i));
        }

        return c;
    }

    private static void CheckInputs(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> bColumnMajor, WorkloadShape shape)
    {
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

    private static unsafe void MultiplyRowPortable(sbyte* a, sbyte* b, int[] c, int n, int i)
    {
        var row = new ReadOnlySpan<sbyte>(a + ((long)i * n), n);
        var output = c.AsSpan(i * n, n);
        for (var j = 0; j < n; j++)
        {
            var column = new ReadOnlySpan<sbyte>(b + ((long)j * n), n);
            output[j] = Vector128.IsHardwareAccelerated ? DotVector128(row, column) : DotScalar(row, column);
        }
    }

    private static void Widen(ReadOnlySpan<sbyte> source, Span<short> destination)
    {
        for (var t = 0; t < source.Length; t++)
        {
            destination[t] = source[t];
        }
    }

    [SkipLocalsInit]
    private static unsafe void MultiplyBlockAvx2(sbyte* a, short[] b16, int[] c, WorkloadShape shape, int block)
    {
        var n = shape.N;
        var first = block * RowBlock;
        var rows = Math.Min(RowBlock, shape.Rows - first);
        var a16 = ArrayPool<short>.Shared.Rent(rows * n);
        var discard = stackalloc int[4];
        try
        {
            Widen(new ReadOnlySpan<sbyte>(a + ((long)first * n), rows * n), a16.AsSpan(0, rows * n));
            fixed (short* pa = a16)
            fixed (short* pb = b16)
            fixed (int* pc = c)
            {
                for (var j = 0; j < n; j += 4)
                {
                    var columns = pb + ((long)j * n);
                    var r = 0;
                    for (; r + 1 < rows; r += 2)
                    {
                        Kernel2x4(pa + ((long)r * n), pa + ((long)(r + 1) * n), columns, n, pc + ((long)(first + r) * n) + j, pc + ((long)(first + r + 1) * n) + j);
                    }

                    if (r < rows)
                    {
                        // The odd last row: the same kernel with the row twice, one copy of the results kept.
                        Kernel2x4(pa + ((long)r * n), pa + ((long)r * n), columns, n, pc + ((long)(first + r) * n) + j, discard);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(a16);
        }
    }

    /// <summary>C[r0, j..j+3] and C[r1, j..j+3] from two int16 rows and four int16 columns (n a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Kernel2x4(short* row0, short* row1, short* columns, int n, int* out0, int* out1)
    {
        var c0 = columns;
        var c1 = columns + n;
        var c2 = columns + (2 * n);
        var c3 = columns + (3 * n);
        Vector256<int> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<int> s10 = default, s11 = default, s12 = default, s13 = default;
        for (var t = 0; t < n; t += 16)
        {
            var x0 = Avx.LoadVector256(row0 + t);
            var x1 = Avx.LoadVector256(row1 + t);
            var y = Avx.LoadVector256(c0 + t);
            s00 = Avx2.Add(s00, Avx2.MultiplyAddAdjacent(x0, y));
            s10 = Avx2.Add(s10, Avx2.MultiplyAddAdjacent(x1, y));
            y = Avx.LoadVector256(c1 + t);
            s01 = Avx2.Add(s01, Avx2.MultiplyAddAdjacent(x0, y));
            s11 = Avx2.Add(s11, Avx2.MultiplyAddAdjacent(x1, y));
            y = Avx.LoadVector256(c2 + t);
            s02 = Avx2.Add(s02, Avx2.MultiplyAddAdjacent(x0, y));
            s12 = Avx2.Add(s12, Avx2.MultiplyAddAdjacent(x1, y));
            y = Avx.LoadVector256(c3 + t);
            s03 = Avx2.Add(s03, Avx2.MultiplyAddAdjacent(x0, y));
            s13 = Avx2.Add(s13, Avx2.MultiplyAddAdjacent(x1, y));
        }

        out0[0] = Vector256.Sum(s00);
        out0[1] = Vector256.Sum(s01);
        out0[2] = Vector256.Sum(s02);
        out0[3] = Vector256.Sum(s03);
        out1[0] = Vector256.Sum(s10);
        out1[1] = Vector256.Sum(s11);
        out1[2] = Vector256.Sum(s12);
        out1[3] = Vector256.Sum(s13);
    }
}
