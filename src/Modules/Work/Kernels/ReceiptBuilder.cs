using System.Diagnostics;
using Chain.Crypto;
using Chain.Proto.Work;
using Google.Protobuf;

namespace Chain.Modules.Work.Kernels;

/// <summary>
/// The provider's side of a round, shared by `chaind work compute`, `chaind tx work submit-receipt|respond` and the
/// provider agent: the inputs of a spec (regenerated from the seed, or the tenant's files), their product's tile tree,
/// the receipt that commits to it, and the response that opens challenged tiles with their paths.
/// Tenant files are raw int8: A as rows x n bytes row by row, B as n x n bytes column by column.
/// </summary>
public static class ReceiptBuilder
{
    /// <summary>A and B of <paramref name="spec"/>: from its seed, or read from the tenant's files and checked against its roots.</summary>
    public static (sbyte[] A, sbyte[] BColumnMajor) Inputs(WorkloadSpec spec, string? aFile = null, string? bFile = null)
    {
        var shape = WorkloadShape.Of(spec);
        if (spec.Source == InputSource.Seeded)
        {
            return SeededWorkload.Generate(spec.Seed.ToByteArray(), shape);
        }

        if (aFile is null || bFile is null)
        {
            throw new ArgumentException("this round computes on the tenant's data: give the files of A (rows x n bytes, row by row) and B (n x n bytes, column by column)");
        }

        var a = File.ReadAllBytes(aFile);
        var b = File.ReadAllBytes(bFile);
        if (a.Length != (long)shape.Rows * shape.N || b.Length != (long)shape.N * shape.N)
        {
            throw new ArgumentException($"A must be {shape.Rows} x {shape.N} = {(long)shape.Rows * shape.N} bytes and B {shape.N} x {shape.N} = {(long)shape.N * shape.N} bytes; the files hold {a.Length} and {b.Length}");
        }

        var (aRoot, bRoot) = TenantRoots(a, b, shape.N);
        if (!aRoot.AsSpan().SequenceEqual(spec.ARoot.Span) || !bRoot.AsSpan().SequenceEqual(spec.BRoot.Span))
        {
            throw new ArgumentException($"the files' roots ({Convert.ToHexStringLower(aRoot)}, {Convert.ToHexStringLower(bRoot)}) are not the ones the tenant committed ({Convert.ToHexStringLower(spec.ARoot.ToByteArray())}, {Convert.ToHexStringLower(spec.BRoot.ToByteArray())})");
        }

        return ((sbyte[])(Array)a, (sbyte[])(Array)b);
    }

    /// <summary>The roots a tenant commits: RFC 6962 over the rows of A and over the columns of B (each n bytes).</summary>
    public static (byte[] ARoot, byte[] BRoot) TenantRoots(byte[] a, byte[] bColumnMajor, int n) =>
        (MerkleTree.RootOfLeafHashes(Leaves(a, n)), MerkleTree.RootOfLeafHashes(Leaves(bColumnMajor, n)));

    /// <summary>Leaf hashes of consecutive n-byte vectors.</summary>
    public static List<byte[]> Leaves(byte[] vectors, int n)
    {
        var leaves = new List<byte[]>(vectors.Length / n);
        for (var i = 0; i + n <= vectors.Length; i += n)
        {
            leaves.Add(MerkleTree.LeafHash(vectors.AsSpan(i, n)));
        }

        return leaves;
    }

    /// <summary>The receipt of <paramref name="work"/>'s open round whose product has <paramref name="tree"/>.</summary>
    public static MsgSubmitReceipt Receipt(string provider, LeaseWork work, TileTree tree, Telemetry telemetry) => new()
    {
        Provider = provider,
        LeaseId = work.LeaseId,
        Round = work.Round,
        Spec = work.Spec,
        OutputRoot = ByteString.CopyFrom(tree.Root),
        WorkUnits = WorkloadShape.Of(work.Spec).WorkUnits,
        Telemetry = telemetry,
    };

    /// <summary>Computes the tree of a spec with <paramref name="prover"/>, timing the product and the hashing together.</summary>
    public static (TileTree Tree, TimeSpan Elapsed) Commit(ITileProver prover, WorkloadSpec spec, (sbyte[] A, sbyte[] B) inputs)
    {
        var clock = Stopwatch.StartNew();
        var tree = prover.Commit(inputs.A, inputs.B, WorkloadShape.Of(spec));
        return (tree, clock.Elapsed);
    }

    /// <summary>Opens <paramref name="tiles"/> (in the order given): each tile's values recomputed from the inputs, and its path in <paramref name="tree"/>.</summary>
    public static MsgChallengeResponse Response(string provider, ulong leaseId, ulong round, IEnumerable<ulong> tiles, WorkloadSpec spec, (sbyte[] A, sbyte[] B) inputs, TileTree tree)
    {
        var shape = WorkloadShape.Of(spec);
        return Response(provider, leaseId, round, tiles, tree, index => TileValues(shape, inputs, index));
    }

    /// <summary>Opens <paramref name="tiles"/> (in the order given) with the leaf bytes <paramref name="values"/> gives and their paths in <paramref name="tree"/>.</summary>
    public static MsgChallengeResponse Response(string provider, ulong leaseId, ulong round, IEnumerable<ulong> tiles, TileTree tree, Func<long, byte[]> values)
    {
        var response = new MsgChallengeResponse { Provider = provider, LeaseId = leaseId, Round = round };
        foreach (var index in tiles)
        {
            var tile = new Tile { Index = index, Values = ByteString.CopyFrom(values((long)index)) };
            tile.Path.AddRange(tree.Open((long)index).Select(ByteString.CopyFrom));
            response.Tiles.Add(tile);
        }

        return response;
    }

    /// <summary>The leaf bytes of tile <paramref name="index"/> (row-major over 1 x k tiles).</summary>
    public static byte[] TileValues(WorkloadShape shape, (sbyte[] A, sbyte[] B) inputs, long index)
    {
        var n = shape.N;
        var i = index / shape.TilesPerRow;
        var j = (int)(index % shape.TilesPerRow);
        var row = inputs.A.AsSpan((int)(i * n), n);
        var width = shape.WidthOf(j);
        var values = new int[width];
        for (var c = 0; c < width; c++)
        {
            values[c] = TileKernel.Dot(row, inputs.B.AsSpan(((j * shape.TileWidth) + c) * n, n));
        }

        return TileKernel.LeafBytes(values);
    }
}
