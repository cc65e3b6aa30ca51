using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Chain.Crypto;

namespace Chain.Modules.Work.Kernels;

/// <summary>
/// The plain C# path validators use: one tile of C recomputed exactly from a row of A and the tile's columns of B
/// (int8 products summed in int32), its leaf bytes (int32 little-endian), and, for tests and CPU provers, the whole
/// product (<see cref="Multiply"/>, parallel over rows) and its leaf hashes. The GPU paths must give the same bytes.
/// </summary>
public static partial class TileKernel
{
    /// <summary>Leaf buffers up to this many bytes live on the stack.</summary>
    private const int StackLeafBytes = 1024;

    /// <summary>C[i, J·k ..] = row · each column, exactly.</summary>
    public static int[] Tile(ReadOnlySpan<sbyte> row, IReadOnlyList<sbyte[]> columns)
    {
        var tile = new int[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            tile[c] = Dot(row, columns[c]);
        }

        return tile;
    }

    /// <summary>
    /// The exact dot product of two int8 vectors in int32. Vectorised (AVX2: sign-extend to int16, multiply-add
    /// adjacent pairs into int32 lanes; elsewhere the portable 128-bit widening multiply) with a scalar tail. Every
    /// product fits int16 (|-128·-128| = 2^14) and every pair sum int32, and int32 addition wraps the same in any
    /// order, so the result is the scalar loop's for every input, overflowing lengths included.
    /// </summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengths(a.Length, b.Length);
        }

        if (Avx2.IsSupported && a.Length >= Vector256<sbyte>.Count)
        {
            return DotAvx2(a, b);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<sbyte>.Count)
        {
            return DotVector128(a, b);
        }

        return DotScalar(a, b);
    }

    /// <summary>The reference loop every vector path must equal.</summary>
    internal static int DotScalar(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var sum = 0;
        for (var t = 0; t < a.Length; t++)
        {
            sum += a[t] * b[t];
        }

        return sum;
    }

    internal static int DotAvx2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = a.Length;
        var acc0 = Vector256<int>.Zero;
        var acc1 = Vector256<int>.Zero;
        var t = 0;
        for (; t <= length - 32; t += 32)
        {
            var a0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)t));
            var b0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)t));
            var a1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)(t + 16)));
            var b1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)(t + 16)));
            acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(a0, b0));
            acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(a1, b1));
        }

        if (t <= length - 16)
        {
            var a0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pa, (nuint)t));
            var b0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref pb, (nuint)t));
            acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(a0, b0));
            t += 16;
        }

        return Vector256.Sum(Avx2.Add(acc0, acc1)) + DotScalar(a[t..], b[t..]);
    }

    /// <summary>The portable path (Arm, or x86 without AVX2): 16 values widened to int16, multiplied, widened to int32.</summary>
    internal static int DotVector128(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = a.Length;
        var acc0 = Vector128<int>.Zero;
        var acc1 = Vector128<int>.Zero;
        var t = 0;
        for (; t <= length - 16; t += 16)
        {
            var (aLow, aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref pa, (nuint)t));
            var (bLow, bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref pb, (nuint)t));
            var (p0, p1) = Vector128.Widen(aLow * bLow);
            var (p2, p3) = Vector128.Widen(aHigh * bHigh);
            acc0 += p0 + p2;
            acc1 += p1 + p3;
        }

        return Vector128.Sum(acc0 + acc1) + DotScalar(a[t..], b[t..]);
    }

    /// <summary>The bytes a tile is committed as: its int32 values little-endian, in column order.</summary>
    public static byte[] LeafBytes(ReadOnlySpan<int> tile)
    {
        var bytes = new byte[tile.Length * 4];
        WriteLeafValues(tile, bytes);
        return bytes;
    }

    /// <summary>
    /// Tile <paramref name="tile"/> of row <paramref name="i"/> of the seeded product, recomputed from the seed alone:
    /// what a validator does per challenged tile ((k + 1)·n generated bytes in two AES calls, k dot products).
    /// </summary>
    public static int[] SeededTile(SeededMatrices inputs, WorkloadShape shape, long i, int tile)
    {
        var n = shape.N;
        var width = shape.WidthOf(tile);
        var buffer = ArrayPool<sbyte>.Shared.Rent((width + 1) * n);
        try
        {
            var row = buffer.AsSpan(0, n);
            var columns = buffer.AsSpan(n, width * n);
            inputs.RowOfA(i, row);
            inputs.ColumnsOfB((long)tile * shape.TileWidth, columns);
            var values = new int[width];
            for (var c = 0; c < width; c++)
            {
                values[c] = Dot(row, columns.Slice(c * n, n));
            }

            return values;
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(buffer);
        }
    }

    /// <summary>The leaf hashes of every tile of C in row-major order (single-threaded; memory grows with n²).</summary>
    public static List<byte[]> LeafHashes(SeededMatrices inputs, WorkloadShape shape)
    {
        var b = new sbyte[shape.N][];
        for (var j = 0; j < shape.N; j++)
        {
            b[j] = new sbyte[shape.N];
            inputs.ColumnOfB(j, b[j]);
        }

        var leaves = new List<byte[]>(checked((int)shape.TileCount));
        var row = new sbyte[shape.N];
        for (var i = 0; i < shape.Rows; i++)
        {
            inputs.RowOfA(i, row);
            for (var tile = 0; tile < shape.TilesPerRow; tile++)
            {
                var values = new int[shape.WidthOf(tile)];
                for (var c = 0; c < values.Length; c++)
                {
                    values[c] = Dot(row, b[(tile * shape.TileWidth) + c]);
                }

                leaves.Add(MerkleTree.LeafHash(LeafBytes(values)));
            }
        }

        return leaves;
    }

    /// <summary>
    /// The leaf hashes of every tile of <paramref name="c"/> (Rows x N int32, row-major), SHA-256(0x00 ‖ leaf bytes),
    /// flat: leaf t is bytes [32·t, 32·t + 32). Parallel over rows.
    /// </summary>
    public static unsafe byte[] LeafHashes(ReadOnlySpan<int> c, WorkloadShape shape)
    {
        if (c.Length != (long)shape.Rows * shape.N)
        {
            throw new ArgumentException($"C holds {c.Length} values, a {shape.Rows} x {shape.N} product has {(long)shape.Rows * shape.N}", nameof(c));
        }

        if (shape.TileCount * Hashes.Sha256Size > Array.MaxLength)
        {
            throw new ArgumentException($"{shape.TileCount} leaf hashes do not fit one array", nameof(shape));
        }

        var hashes = new byte[shape.TileCount * Hashes.Sha256Size];
        fixed (int* pinned = c)
        {
            var address = (nint)pinned;
            Parallel.For(0, shape.Rows, i => HashRow(new ReadOnlySpan<int>((int*)address + ((long)i * shape.N), shape.N), shape, hashes.AsSpan(checked((int)((long)i * shape.TilesPerRow * Hashes.Sha256Size)), shape.TilesPerRow * Hashes.Sha256Size)));
        }

        return hashes;
    }

    /// <summary>The output commitment: the Merkle root over the tiles of C in row-major order.</summary>
    public static byte[] OutputRoot(SeededMatrices inputs, WorkloadShape shape) => MerkleTree.RootOfLeafHashes(LeafHashes(inputs, shape));

    [SkipLocalsInit]
    private static void HashRow(ReadOnlySpan<int> row, WorkloadShape shape, Span<byte> destination)
    {
        var size = 1 + (4 * shape.TileWidth);
        byte[]? rented = null;
        Span<byte> buffer = size <= StackLeafBytes ? stackalloc byte[StackLeafBytes] : (rented = ArrayPool<byte>.Shared.Rent(size));
        buffer[0] = 0;
        for (var tile = 0; tile < shape.TilesPerRow; tile++)
        {
            var width = shape.WidthOf(tile);
            WriteLeafValues(row.Slice(tile * shape.TileWidth, width), buffer.Slice(1, 4 * width));
            Hashes.Sha256(buffer[..(1 + (4 * width))], destination.Slice(tile * Hashes.Sha256Size, Hashes.Sha256Size));
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteLeafValues(ReadOnlySpan<int> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (var c = 0; c < values.Length; c++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[(c * 4)..], values[c]);
        }
    }

    private static void ThrowLengths(int a, int b) => throw new ArgumentException($"vectors of {a} and {b} values");
}
