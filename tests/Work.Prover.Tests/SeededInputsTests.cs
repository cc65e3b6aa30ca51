using Chain.Crypto;
using Chain.Modules.Work.Kernels;

namespace Chain.Work.Prover.Tests;

public sealed class SeededInputsTests
{
    [Fact]
    public void Seeded_inputs_are_the_rows_and_columns_of_the_seeded_matrices()
    {
        var shape = new WorkloadShape(9, 64, 16);
        var seed = Hashes.Sha256("seeded workload"u8);
        var (a, b) = SeededWorkload.Generate(seed, shape);
        using var inputs = new SeededMatrices(seed, shape.N);
        var expected = new sbyte[shape.N];
        for (var i = 0; i < shape.Rows; i++)
        {
            inputs.RowOfA(i, expected);
            Assert.Equal(expected, a.AsSpan(i * shape.N, shape.N).ToArray());
        }

        for (var j = 0; j < shape.N; j++)
        {
            inputs.ColumnOfB(j, expected);
            Assert.Equal(expected, b.AsSpan(j * shape.N, shape.N).ToArray());
        }

        Assert.Throws<ArgumentException>(() => SeededWorkload.Generate(new byte[31], shape));
    }

    [Fact]
    public void Columns_generated_in_one_run_are_the_columns_generated_one_by_one()
    {
        const int n = 48;
        using var inputs = new SeededMatrices(Hashes.Sha256("columns"u8), n);
        var run = new sbyte[5 * n];
        inputs.ColumnsOfB(7, run);
        var column = new sbyte[n];
        for (var c = 0; c < 5; c++)
        {
            inputs.ColumnOfB(7 + c, column);
            Assert.Equal(column, run.AsSpan(c * n, n).ToArray());
        }

        Assert.Throws<ArgumentException>(() => inputs.ColumnsOfB(0, new sbyte[n + 16]));
        Assert.Throws<ArgumentException>(() => inputs.ColumnOfB(0, new sbyte[2 * n]));
        Assert.Throws<ArgumentOutOfRangeException>(() => inputs.RowOfA(-1, column));
    }
}
