using Chain.Crypto;
using Chain.Modules.Work.Kernels;
using System.Runtime.Intrinsics.X86;

namespace Chain.Work.Prover.Tests;

public sealed class TileKernelVectorTests
{
    [Fact]
    public void Every_vector_dot_equals_the_scalar_loop_on_random_lengths()
    {
        Gen.Int[0, 600].SelectMany(length => Gen.SByte.Array[length].SelectMany(a => Gen.SByte.Array[length].Select(b => (a, b))))
            .Sample(pair => DotsAgree(pair.a, pair.b), iter: 2000);
    }

    [Theory]
    [InlineData(-128, -128)]
    [InlineData(127, 127)]
    [InlineData(-128, 127)]
    public void Extreme_values_agree_at_every_length_near_the_vector_widths(sbyte x, sbyte y)
    {
        for (var length = 0; length <= 130; length++)
        {
            var a = Enumerable.Repeat(x, length).ToArray();
            var b = Enumerable.Repeat(y, length).ToArray();
            Assert.Equal(x * y * length, TileKernel.Dot(a, b));
            Assert.True(DotsAgree(a, b));
        }
    }

    [Fact]
    public void Past_int32_the_vector_dots_wrap_exactly_as_the_scalar_loop()
    {
        var length = 200_000; // 200,000 · 16,384 > 2^31
        var a = Enumerable.Repeat(sbyte.MinValue, length).ToArray();
        a[12_345] = 77;
        var b = Enumerable.Repeat(sbyte.MinValue, length).ToArray();
        Assert.Equal(unchecked((int)((long)(length - 1) * 16_384 - 77 * 128)), TileKernel.Dot(a, b));
        Assert.True(DotsAgree(a, b));
    }

    [Fact]
    public void Vectors_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TileKernel.Dot(new sbyte[32], new sbyte[31]));
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 32)]
    [InlineData(17, 48)]   // a row block and one more, odd
    [InlineData(35, 160)]
    public void The_blocked_product_equals_the_portable_one_and_the_dot_of_each_row_and_column(int rows, int n)
    {
        var shape = new WorkloadShape(rows, n, 16);
        var (a, b) = SeededWorkload.Generate(Hashes.Sha256(BitConverter.GetBytes(rows * n)), shape);
        var c = TileKernel.Multiply(a, b, shape);
        Assert.Equal(TileKernel.MultiplyPortable(a, b, shape), c);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < n; j++)
            {
                Assert.Equal(TileKernel.DotScalar(a.AsSpan(i * n, n), b.AsSpan(j * n, n)), c[(i * n) + j]);
            }
        }
    }

    [Fact]
    public void A_product_of_wrong_sizes_is_refused()
    {
        var shape = new WorkloadShape(2, 16, 16);
        Assert.Throws<ArgumentException>(() => TileKernel.Multiply(new sbyte[31], new sbyte[256], shape));
        Assert.Throws<ArgumentException>(() => TileKernel.Multiply(new sbyte[32], new sbyte[255], shape));
        Assert.Throws<ArgumentException>(() => TileKernel.LeafHashes(new int[31], shape));
    }

    private static bool DotsAgree(sbyte[] a, sbyte[] b)
    {
        var scalar = TileKernel.DotScalar(a, b);
        var agree = TileKernel.Dot(a, b) == scalar && TileKernel.DotVector128(a, b) == scalar;
        if (Avx2.IsSupported)
        {
            agree &= TileKernel.DotAvx2(a, b) == scalar;
        }

        return agree;
    }
}
