using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Chain.Work.Prover.Ilgpu;

/// <summary>
/// The int8 product as one ILGPU kernel, exact in int32. A (Rows x n, row-major) and B (n x n, column-major) are
/// both contiguous along the summed index, so each is read as packed int32 words of 4 consecutive int8 values and
/// every step is a 4-way dot of two words: the CUDA backend issues <c>dp4a.s32.s32</c> (inline PTX; ILGPU has no
/// dp4a intrinsic), every other backend the same sum in plain integer arithmetic. A group of 16 x 16 threads computes a
/// 64 x 64 block of C, each thread 4 x 4 values (rows ty + 16r, columns tx + 16c, so stores are coalesced), staging
/// 16 words (64 int8 values) of depth per row of A and column of B in shared memory per step, lines
/// padded by one word so the column reads hit distinct banks. Rows past the end and depth past n read as zero; C is
/// written only inside Rows x n.
/// </summary>
internal static class GemmKernel
{
    public const int Block = 64;
    public const int GroupSide = 16;

    /// <summary>Packed words of depth staged per step (64 int8 values).</summary>
    private const int Depth = 16;
    private const int Stride = Depth + 1;
    private const int Threads = GroupSide * GroupSide;

    /// <summary>The launch for a Rows x n product.</summary>
    public static KernelConfig Config(int rows, int n) =>
        new(new Index2D((n + Block - 1) / Block, (rows + Block - 1) / Block), new Index2D(GroupSide, GroupSide));

    public static void Kernel(ArrayView<int> a, ArrayView<int> b, ArrayView<int> c, int rows, int n)
    {
        var aTile = SharedMemory.Allocate<int>(Block * Stride);
        var bTile = SharedMemory.Allocate<int>(Block * Stride);
        var tx = Group.IdxX;
        var ty = Group.IdxY;
        var thread = (ty * GroupSide) + tx;
        var rowBase = Grid.IdxY * Block;
        var columnBase = Grid.IdxX * Block;
        var words = n / 4;

        int c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        int c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        int c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        int c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        for (var k0 = 0; k0 < words; k0 += Depth)
        {
            for (var l = 0; l < (Block * Depth) / Threads; l++)
            {
                var slot = thread + (l * Threads);
                var line = slot / Depth;
                var q = slot - (line * Depth);
                var kq = k0 + q;
                var row = rowBase + line;
                aTile[(line * Stride) + q] = row < rows && kq < words ? a[(row * words) + kq] : 0;
                var column = columnBase + line;
                bTile[(line * Stride) + q] = column < n && kq < words ? b[(column * words) + kq] : 0;
            }

            Group.Barrier();
            for (var q = 0; q < Depth; q++)
            {
                var a0 = aTile[(ty * Stride) + q];
                var a1 = aTile[((ty + 16) * Stride) + q];
                var a2 = aTile[((ty + 32) * Stride) + q];
                var a3 = aTile[((ty + 48) * Stride) + q];
                var b0 = bTile[(tx * Stride) + q];
                var b1 = bTile[((tx + 16) * Stride) + q];
                var b2 = bTile[((tx + 32) * Stride) + q];
                var b3 = bTile[((tx + 48) * Stride) + q];
                c00 = Dot4(a0, b0, c00);
                c01 = Dot4(a0, b1, c01);
                c02 = Dot4(a0, b2, c02);
                c03 = Dot4(a0, b3, c03);
                c10 = Dot4(a1, b0, c10);
                c11 = Dot4(a1, b1, c11);
                c12 = Dot4(a1, b2, c12);
                c13 = Dot4(a1, b3, c13);
                c20 = Dot4(a2, b0, c20);
                c21 = Dot4(a2, b1, c21);
                c22 = Dot4(a2, b2, c22);
                c23 = Dot4(a2, b3, c23);
                c30 = Dot4(a3, b0, c30);
                c31 = Dot4(a3, b1, c31);
                c32 = Dot4(a3, b2, c32);
                c33 = Dot4(a3, b3, c33);
            }

            Group.Barrier();
        }

        var r0 = rowBase + ty;
        var col0 = columnBase + tx;
        Store(c, rows, n, r0, col0, c00, c01, c02, c03);
        Store(c, rows, n, r0 + 16, col0, c10, c11, c12, c13);
        Store(c, rows, n, r0 + 32, col0, c20, c21, c22, c23);
        Store(c, rows, n, r0 + 48, col0, c30, c31, c32, c33);
    }

    /// <summary>acc + the dot of the four int8 lanes of <paramref name="x"/> and <paramref name="y"/>.</summary>
    internal static int Dot4(int x, int y, int acc)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("dp4a.s32.s32 %0, %1, %2, %3;", out int result, x, y, acc);
            return result;
        }

        return acc
            + (((x << 24) >> 24) * ((y << 24) >> 24))
            + (((x << 16) >> 24) * ((y << 16) >> 24))
            + (((x << 8) >> 24) * ((y << 8) >> 24))
            + ((x >> 24) * (y >> 24));
    }

    private static void Store(ArrayView<int> c, int rows, int n, int row, int column, int v0, int v1, int v2, int v3)
    {
        if (row >= rows)
        {
            return;
        }

        var offset = row * n;
        if (column < n)
        {
            c[offset + column] = v0;
        }

        if (column + 16 < n)
        {
            c[offset + column + 16] = v1;
        }

        if (column + 32 < n)
        {
            c[offset + column + 32] = v2;
        }

        if (column + 48 < n)
        {
            c[offset + column + 48] = v3;
        }
    }
}
