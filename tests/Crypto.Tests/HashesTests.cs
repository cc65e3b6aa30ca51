using System.Security.Cryptography;
using System.Text;
using Chain.Crypto;

namespace Chain.Crypto.Tests;

public class HashesTests
{
    [Fact]
    public void Sha256_matches_the_standard_vectors()
    {
        Assert.Equal("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", Convert.ToHexString(Hashes.Sha256("abc"u8)));
        Assert.Equal("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", Convert.ToHexString(Hashes.Sha256([])));
    }

    [Fact]
    public void On_linux_the_low_level_openssl_path_is_found_and_agrees_with_dotnet_for_every_length()
    {
        Assert.Equal(OperatingSystem.IsLinux(), Chain.Crypto.Native.OpenSslSha256.Available);
        var random = new Random(7);
        var dotnet = new byte[32];
        foreach (var length in Enumerable.Range(0, 300).Concat([511, 512, 4095, 4096, 4097, 100_000]))
        {
            var data = new byte[length];
            random.NextBytes(data);
            Hashes.HashThroughDotNet(data, dotnet);

            Assert.Equal(SHA256.HashData(data), Hashes.Sha256(data));
            Assert.Equal(SHA256.HashData(data), dotnet);
        }
    }

    [Fact]
    public void A_longer_destination_gets_the_hash_in_its_first_32_bytes_and_the_rest_untouched()
    {
        var destination = Enumerable.Repeat((byte)0xEE, 40).ToArray();

        Hashes.Sha256("abc"u8, destination);

        Assert.Equal(SHA256.HashData("abc"u8), destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void A_refused_destination_leaves_the_next_hash_of_the_thread_correct()
    {
        var small = new byte[31];

        Assert.Throws<ArgumentOutOfRangeException>(() => Hashes.Sha256("stale"u8, small));

        Assert.Equal(SHA256.HashData("abc"u8), Hashes.Sha256("abc"u8));
    }

    [Fact]
    public void Threads_hashing_at_once_each_get_their_own_input_hashed()
    {
        var inputs = Enumerable.Range(0, 64).Select(i => Encoding.ASCII.GetBytes($"input {i} " + new string('x', i * 3))).ToArray();
        var expected = inputs.Select(SHA256.HashData).ToArray();

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var k = i % inputs.Length;
            Span<byte> hash = stackalloc byte[Hashes.Sha256Size];
            Hashes.Sha256(inputs[k], hash);
            Assert.True(hash.SequenceEqual(expected[k]), $"input {k}");
        });
    }
}
