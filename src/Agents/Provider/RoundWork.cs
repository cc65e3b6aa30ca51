using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;
using Chain.Work.Prover;
using Google.Protobuf;

namespace Chain.Agents.Provider;

/// <summary>
/// One round's product as the provider computed it: the inputs, the tile tree whose root the receipt carries, and the
/// values to open. Rebuilt from the spec alone after a restart (the seed or the tenant's files determine everything).
/// With a fake fraction (testing only) the tiles it picks are altered before hashing, consistently, so their paths
/// verify and only recomputation can catch them.
/// </summary>
public sealed class RoundWork
{
    private readonly int[]? _c;

    private RoundWork(WorkloadSpec spec, (sbyte[] A, sbyte[] B) inputs, TileTree tree, int[]? c, TimeSpan elapsed)
    {
        Spec = spec;
        Inputs = inputs;
        Tree = tree;
        _c = c;
        Elapsed = elapsed;
    }

    public WorkloadSpec Spec { get; }

    public (sbyte[] A, sbyte[] B) Inputs { get; }

    public TileTree Tree { get; }

    public TimeSpan Elapsed { get; }

    public static RoundWork Compute(IWorkProver prover, WorkloadSpec spec, string? aFile, string? bFile, double fakeFraction)
    {
        (sbyte[] A, sbyte[] B) inputs = ReceiptBuilder.Inputs(spec, aFile, bFile);
        var shape = WorkloadShape.Of(spec);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (fakeFraction <= 0)
        {
            var tree = prover.Commit(inputs.A, inputs.B, shape);
            return new RoundWork(spec, inputs, tree, null, clock.Elapsed);
        }

        var c = prover.Multiply(inputs.A, inputs.B, shape);
        for (long t = 0; t < shape.TileCount; t++)
        {
            if (IsFaked(t, fakeFraction))
            {
                var i = t / shape.TilesPerRow;
                var j = (int)(t % shape.TilesPerRow) * shape.TileWidth;
                c[(i * shape.N) + j] ^= 1;
            }
        }

        return new RoundWork(spec, inputs, TileTree.Of(c, shape), c, clock.Elapsed);
    }

    /// <summary>Whether tile <paramref name="t"/> is one a faking provider alters: a fixed pseudo-random share of the tiles.</summary>
    public static bool IsFaked(long t, double fraction) => (uint)((ulong)t * 2654435761UL) / 4294967296.0 < fraction;

    /// <summary>The response opening <paramref name="tiles"/> in order, with the values this product has.</summary>
    public MsgChallengeResponse Response(string provider, ulong lease, ulong round, IEnumerable<ulong> tiles)
    {
        if (_c is null)
        {
            return ReceiptBuilder.Response(provider, lease, round, tiles, Spec, Inputs, Tree);
        }

        var shape = WorkloadShape.Of(Spec);
        var c = _c;
        return ReceiptBuilder.Response(provider, lease, round, tiles, Tree, index =>
        {
            var j = (int)(index % shape.TilesPerRow);
            return TileKernel.LeafBytes(c.AsSpan((int)((index / shape.TilesPerRow * shape.N) + (j * shape.TileWidth)), shape.WidthOf(j)));
        });
    }
}
