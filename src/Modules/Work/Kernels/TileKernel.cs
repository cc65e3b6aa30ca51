using Chain.Crypto;

namespace Chain.Modules.Work.Kernels;

/// <summary>
/// The plain C# path validators use: one tile of C recomputed exactly from a row of A and the tile's columns of B
/// (int8 products summed in int32), its leaf bytes (int32 little-endian), and, for tests and CPU provers, the whole
/// product and its output root. The GPU paths must give the same bytes.
/// </summary>
public static class TileKernel
{
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

    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"vectors of {a.Length} and {b.Length} values");
        }

        var sum = 0;
        for (var t = 0; t < a.Length; t++)
        {
            sum += a[t] * b[t];
        }

        return sum;
    }

    /// <summary>The bytes a tile is committed as: its int32 values little-endian, in column order.</summary>
    public static byte[] LeafBytes(ReadOnlySpan<int> tile)
    {
        var bytes = new byte[tile.Length * 4];
        for (var c = 0; c < tile.Length; c++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(c * 4), tile[c]);
        }

        return bytes;
    }

    /// <summary>Tile <paramref name="tile"/> of row <paramref name="i"/> of the seeded product, recomputed from the seed alone.</summary>
    public static int[] SeededTile(SeededMatrices inputs, WorkloadShape shape, long i, int tile)
    {
        var row = new sbyte[shape.N];
        inputs.RowOfA(i, row);
        var columns = new sbyte[shape.WidthOf(tile)][];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = new sbyte[shape.N];
            inputs.ColumnOfB(((long)tile * shape.TileWidth) + c, columns[c]);
        }

        return Tile(row, columns);
    }

    /// <summary>The leaf hashes of every tile of C in row-major order (CPU prover; memory grows with rows x n).</summary>
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

    /// <summary>The output commitment: the Merkle root over the tiles of C in row-major order.</summary>
    public static byte[] OutputRoot(SeededMatrices inputs, WorkloadShape shape) => MerkleTree.RootOfLeafHashes(LeafHashes(inputs, shape));
}
