namespace Chain.Modules.Work.Kernels;

/// <summary>
/// The shape of one receipt's product C = A x B: A is <see cref="Rows"/> x <see cref="N"/> int8 (row-major), B is
/// N x N int8 (stored column-major), C is Rows x N int32. C is committed in 1 x <see cref="TileWidth"/> tiles in
/// row-major order: tile (i, J) holds C[i, J·k .. min(N, (J+1)·k) - 1], so the last tile of a row is narrower when N
/// is not a multiple of k. N must be a multiple of 16 (whole AES blocks per row and column) and at most 65,536, so
/// no entry of C can overflow int32 (|C_ij| ≤ 128·128·N = 2^30 at most).
/// </summary>
public sealed record WorkloadShape
{
    public const int MaxN = 65_536;

    public WorkloadShape(int rows, int n, int tileWidth)
    {
        if (rows <= 0 || n <= 0 || n > MaxN || n % 16 != 0 || tileWidth <= 0 || tileWidth > n)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"workload {rows} x {n} with tiles of {tileWidth}: rows must be positive, n a multiple of 16 from 16 to {MaxN}, the tile width from 1 to n");
        }

        Rows = rows;
        N = n;
        TileWidth = tileWidth;
    }

    /// <summary>The shape a receipt's spec names.</summary>
    public static WorkloadShape Of(Chain.Proto.Work.WorkloadSpec spec) => new((int)spec.Rows, (int)spec.N, (int)spec.TileWidth);

    public int Rows { get; }

    public int N { get; }

    public int TileWidth { get; }

    /// <summary>Tiles per row of C.</summary>
    public int TilesPerRow => (N + TileWidth - 1) / TileWidth;

    public long TileCount => (long)Rows * TilesPerRow;

    /// <summary>Work units of the product: 2·m·n² (a multiply and an add per term), never self-reported time.</summary>
    public ulong WorkUnits => 2UL * (ulong)Rows * (ulong)N * (ulong)N;

    /// <summary>The width of tile <paramref name="tile"/> of a row (the last may be narrower).</summary>
    public int WidthOf(int tile) => Math.Min(TileWidth, N - (tile * TileWidth));
}
