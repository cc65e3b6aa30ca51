using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;
using Google.Protobuf;

namespace Chain.Agents.Tenant;

/// <summary>
/// The tenant's own A and B for the chain's n: their sizes checked, the roots a lease is set to, and the check of a
/// receipt's opened tiles against the product of these matrices.
/// </summary>
public sealed class TenantMatrices
{
    private TenantMatrices(TenantDataFiles files, int n, byte[] a, byte[] b)
    {
        Files = files;
        N = n;
        A = a;
        BColumnMajor = b;
        Rows = (uint)(a.Length / n);
        (ARoot, BRoot) = ReceiptBuilder.TenantRoots(a, b, n);
    }

    public TenantDataFiles Files { get; }

    public int N { get; }

    /// <summary>A's rows: its file's length / n.</summary>
    public uint Rows { get; }

    public byte[] A { get; }

    public byte[] BColumnMajor { get; }

    public byte[] ARoot { get; }

    public byte[] BRoot { get; }

    /// <summary>Reads both files and checks their sizes against <paramref name="n"/>; an <see cref="ArgumentException"/> says what is wrong.</summary>
    public static TenantMatrices Load(TenantDataFiles files, int n)
    {
        var a = File.ReadAllBytes(files.A);
        var b = File.ReadAllBytes(files.B);
        if (a.Length == 0 || a.Length % n != 0)
        {
            throw new ArgumentException($"{files.A} holds {a.Length} bytes: A must be rows x n bytes with n = {n} (the chain's work param), so a non-zero multiple of {n}");
        }

        if (b.Length != (long)n * n)
        {
            throw new ArgumentException($"{files.B} holds {b.Length} bytes: B must be n x n = {(long)n * n} bytes with n = {n} (the chain's work param)");
        }

        return new TenantMatrices(files, n, a, b);
    }

    /// <summary>Whether a lease's tenant data (or a receipt's spec) commits to these matrices.</summary>
    public bool IsCommittedBy(WorkloadSpec? spec) =>
        spec is { Source: InputSource.Tenant } && spec.Rows == Rows && spec.ARoot.Span.SequenceEqual(ARoot) && spec.BRoot.Span.SequenceEqual(BRoot);

    public MsgSetTenantData SetMessage(string tenant, ulong leaseId) => new()
    {
        Tenant = tenant,
        LeaseId = leaseId,
        Rows = Rows,
        ARoot = ByteString.CopyFrom(ARoot),
        BRoot = ByteString.CopyFrom(BRoot),
    };

    /// <summary>
    /// The opened tiles of <paramref name="receipt"/> whose values are not the product of these matrices, in the order
    /// opened. The receipt must be of these matrices (<see cref="IsCommittedBy"/>): the tiles are recomputed from the
    /// matrices held since <see cref="Load"/>, whose roots that check compared, not from the files read again.
    /// </summary>
    public IReadOnlyList<ulong> WrongTiles(Receipt receipt)
    {
        if (!IsCommittedBy(receipt.Spec))
        {
            throw new ArgumentException($"the receipt of lease {receipt.LeaseId} round {receipt.Round} is not of these matrices");
        }

        var shape = WorkloadShape.Of(receipt.Spec);
        (sbyte[] A, sbyte[] B) inputs = ((sbyte[])(Array)A, (sbyte[])(Array)BColumnMajor);
        var wrong = new List<ulong>();
        foreach (var tile in receipt.OpenedTiles)
        {
            if (tile.Index >= (ulong)shape.TileCount || !tile.Values.Span.SequenceEqual(ReceiptBuilder.TileValues(shape, inputs, (long)tile.Index)))
            {
                wrong.Add(tile.Index);
            }
        }

        return wrong;
    }

    /// <summary>A dispute of <paramref name="tile"/>: the row of A and the tile's columns of B with their paths.</summary>
    public MsgDisputeTile Dispute(string tenant, Receipt receipt, ulong tile) => TenantDispute.Build(tenant, receipt, tile, A, BColumnMajor);

    /// <summary><paramref name="count"/> distinct tiles of <paramref name="tileCount"/> (all when fewer), drawn so the provider cannot guess them.</summary>
    public static IReadOnlyList<ulong> RandomTiles(long tileCount, int count)
    {
        if (tileCount <= count)
        {
            return Enumerable.Range(0, (int)tileCount).Select(i => (ulong)i).ToList();
        }

        var picked = new HashSet<ulong>();
        var tiles = new List<ulong>(count);
        while (tiles.Count < count)
        {
            // 64 random bits mod the count: the bias is at most count / 2^64.
            var tile = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) % (ulong)tileCount;
            if (picked.Add(tile))
            {
                tiles.Add(tile);
            }
        }

        return tiles;
    }
}
