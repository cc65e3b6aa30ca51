using Chain.Crypto;
using Chain.Proto.Work;
using Google.Protobuf;

namespace Chain.Modules.Work.Kernels;

/// <summary>The tenant's side of a dispute: the row of A and the tile's columns of B, with their paths against the committed roots.</summary>
public static class TenantDispute
{
    /// <summary>A dispute of <paramref name="tile"/> of <paramref name="receipt"/> from the tenant's files (A row by row, B column by column).</summary>
    public static MsgDisputeTile Build(string tenant, Receipt receipt, ulong tile, byte[] a, byte[] bColumnMajor)
    {
        var shape = WorkloadShape.Of(receipt.Spec);
        var n = shape.N;
        if (a.Length != (long)shape.Rows * n || bColumnMajor.Length != (long)n * n)
        {
            throw new ArgumentException($"A must be {shape.Rows} x {n} bytes and B {n} x {n}; the files hold {a.Length} and {bColumnMajor.Length}");
        }

        if (tile >= (ulong)shape.TileCount)
        {
            throw new ArgumentException($"tile {tile} does not exist; the receipt has {shape.TileCount} tiles");
        }

        var i = (int)(tile / (ulong)shape.TilesPerRow);
        var first = (int)(tile % (ulong)shape.TilesPerRow) * shape.TileWidth;
        var width = shape.WidthOf((int)(tile % (ulong)shape.TilesPerRow));
        var rowLeaves = ReceiptBuilder.Leaves(a, n);
        var columnLeaves = ReceiptBuilder.Leaves(bColumnMajor, n);
        var msg = new MsgDisputeTile
        {
            Tenant = tenant, LeaseId = receipt.LeaseId, Round = receipt.Round, Tile = tile,
            Row = ByteString.CopyFrom(a, i * n, n),
            Columns = ByteString.CopyFrom(bColumnMajor, first * n, width * n),
        };
        msg.RowPath.AddRange(MerkleTree.Proof(rowLeaves, i).Select(ByteString.CopyFrom));
        for (var c = first; c < first + width; c++)
        {
            msg.ColumnPaths.Add(new MsgDisputeTile.Types.Path { Hashes = { MerkleTree.Proof(columnLeaves, c).Select(ByteString.CopyFrom) } });
        }

        return msg;
    }
}
