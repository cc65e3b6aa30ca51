using Chain.Agents.Tenant;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;
using Google.Protobuf;

namespace Chain.Node.Tests.Agents;

/// <summary>The tenant's matrices: sizes checked against n, the roots committed, opened tiles checked, tiles drawn.</summary>
public sealed class TenantMatricesTests : IDisposable
{
    private const int N = 32;
    private const int Rows = 4;

    private readonly TempHome _dir = new();
    private readonly byte[] _a = new byte[Rows * N];
    private readonly byte[] _b = new byte[N * N];

    public TenantMatricesTests()
    {
        var random = new Random(3);
        random.NextBytes(_a);
        random.NextBytes(_b);
        File.WriteAllBytes(_dir.PathOf("a.bin"), _a);
        File.WriteAllBytes(_dir.PathOf("b.bin"), _b);
    }

    private TenantDataFiles Files => new(_dir.PathOf("a.bin"), _dir.PathOf("b.bin"), 4);

    public void Dispose() => _dir.Dispose();

    private static WorkloadSpec Spec(TenantMatrices m) => new()
    {
        Rows = m.Rows, N = N, TileWidth = 16, Source = InputSource.Tenant, ARoot = ByteString.CopyFrom(m.ARoot), BRoot = ByteString.CopyFrom(m.BRoot),
    };

    [Fact]
    public void Rows_and_roots_come_from_the_files()
    {
        var m = TenantMatrices.Load(Files, N);
        var (aRoot, bRoot) = ReceiptBuilder.TenantRoots(_a, _b, N);
        Assert.Equal(4u, m.Rows);
        Assert.Equal(aRoot, m.ARoot);
        Assert.Equal(bRoot, m.BRoot);
        Assert.True(m.IsCommittedBy(Spec(m)));
        Assert.False(m.IsCommittedBy(null));
        Assert.False(m.IsCommittedBy(new WorkloadSpec { Source = InputSource.Seeded }));
        var other = Spec(m);
        other.BRoot = ByteString.CopyFrom(new byte[32]);
        Assert.False(m.IsCommittedBy(other));
    }

    [Fact]
    public void Files_that_do_not_fit_n_are_refused_with_their_sizes()
    {
        var a = Assert.Throws<ArgumentException>(() => TenantMatrices.Load(Files, 48));
        Assert.Contains("holds 128 bytes: A must be rows x n bytes with n = 48", a.Message, StringComparison.Ordinal);
        File.WriteAllBytes(_dir.PathOf("b.bin"), new byte[(N * N) - 1]);
        var b = Assert.Throws<ArgumentException>(() => TenantMatrices.Load(Files, N));
        Assert.Contains($"holds {(N * N) - 1} bytes: B must be n x n = {N * N} bytes", b.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opened_tiles_that_are_not_the_product_are_found_and_disputable()
    {
        var m = TenantMatrices.Load(Files, N);
        var spec = Spec(m);
        var inputs = ((sbyte[])(Array)_a, (sbyte[])(Array)_b);
        var shape = WorkloadShape.Of(spec);
        var receipt = new Receipt { LeaseId = 7, Round = 3, Spec = spec, Status = ReceiptStatus.Opened };
        foreach (var index in new ulong[] { 0, 3, 5, 7 })
        {
            var values = ReceiptBuilder.TileValues(shape, inputs, (long)index);
            if (index == 5)
            {
                values[2] ^= 1;
            }

            receipt.OpenedTiles.Add(new Tile { Index = index, Values = ByteString.CopyFrom(values) });
        }

        Assert.Equal([5UL], m.WrongTiles(receipt));
        var dispute = m.Dispute("tenant", receipt, 5);
        Assert.Equal((7UL, 3UL, 5UL, N, 16 * N), (dispute.LeaseId, dispute.Round, dispute.Tile, dispute.Row.Length, dispute.Columns.Length));
        Assert.Equal(_a.AsSpan(2 * N, N).ToArray(), dispute.Row.ToByteArray());

        receipt.OpenedTiles.RemoveAt(2);
        Assert.Empty(m.WrongTiles(receipt));
    }

    [Fact]
    public void Random_tiles_are_distinct_and_in_range()
    {
        for (var i = 0; i < 50; i++)
        {
            var tiles = TenantMatrices.RandomTiles(10, 4);
            Assert.Equal(4, tiles.Distinct().Count());
            Assert.All(tiles, t => Assert.InRange(t, 0UL, 9UL));
        }

        Assert.Equal([0UL, 1UL, 2UL], TenantMatrices.RandomTiles(3, 4));
    }
}
