using Chain.Crypto;

namespace Chain.Crypto.Tests;

public class MultihashTests
{
    [Fact]
    public void Sha2_256_of_multihash_matches_the_multiformats_example()
    {
        var mh = Multihash.Sha256("multihash"u8);
        Assert.Equal("12209cbc07c3f991725836a3aa2a581ca2029198aa420b9d99bc0e131d9f3e2cbe47", Convert.ToHexStringLower(mh));
        var (code, digest) = Multihash.Decode(mh);
        Assert.Equal(Multihash.Sha2_256, code);
        Assert.Equal(32, digest.Length);
        Assert.True(Multihash.Matches(mh, "multihash"u8));
        Assert.False(Multihash.Matches(mh, "multihasH"u8));
    }

    // Examples from the multiformats unsigned-varint spec.
    [Theory]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "8001")]
    [InlineData(255UL, "ff01")]
    [InlineData(300UL, "ac02")]
    [InlineData(16384UL, "808001")]
    public void Varint_spec_examples(ulong value, string hex)
    {
        Span<byte> buf = stackalloc byte[UnsignedVarint.MaxLength];
        var n = UnsignedVarint.Write(value, buf);
        Assert.Equal(hex, Convert.ToHexStringLower(buf[..n]));
        Assert.Equal(value, UnsignedVarint.Read(Convert.FromHexString(hex), out var read));
        Assert.Equal(n, read);
    }

    [Theory]
    [InlineData("8000")]            // not minimal
    [InlineData("80")]              // truncated
    [InlineData("ffffffffffffffffff01")] // longer than 9 bytes
    public void Bad_varints_are_rejected(string hex)
    {
        Assert.Throws<FormatException>(() => UnsignedVarint.Read(Convert.FromHexString(hex), out _));
    }

    [Theory]
    [InlineData("1220")]          // digest missing
    [InlineData("12019c")]        // sha2-256 with a 1-byte digest
    [InlineData("12ff01")]        // length over the limit
    public void Bad_multihashes_are_rejected(string hex)
    {
        Assert.Throws<FormatException>(() => Multihash.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Random_bytes_only_ever_raise_format_errors()
    {
        Gen.Byte.Array[0, 80].Sample(b =>
        {
            try
            {
                Multihash.Decode(b);
            }
            catch (FormatException)
            {
            }
        }, iter: 20_000);
    }
}
