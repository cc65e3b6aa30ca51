using Chain.Crypto;
using Chain.State.Transactions;

namespace Chain.State.Tests.Transactions;

/// <summary>
/// The signature cache lets execution skip a verification, so it must answer only for the exact tx hash and account
/// number it was told, forget the oldest first past its capacity, and refuse anything that is not a whole hash.
/// </summary>
public sealed class SignatureCacheTests
{
    private static byte[] Hash(int i) => Hashes.Sha256(BitConverter.GetBytes(i));

    [Fact]
    public void Answers_only_for_the_whole_hash_and_the_account_number_it_was_given()
    {
        var cache = new SignatureCache(capacity: 10);
        var hash = Hash(1);
        cache.Add(hash, 7);
        Assert.True(cache.IsVerified((byte[])hash.Clone(), 7));
        Assert.False(cache.IsVerified(hash, 8));
        Assert.True(cache.Contains(hash));

        // Hashes that differ in any one byte, the last ones included, are other txs.
        for (var i = 0; i < TxHashKey.Size; i++)
        {
            var other = (byte[])hash.Clone();
            other[i] ^= 0x01;
            Assert.False(cache.IsVerified(other, 7), $"byte {i}");
        }

        cache.Remove(hash);
        Assert.False(cache.IsVerified(hash, 7));
        Assert.Equal(0, cache.Count);
        Assert.Throws<ArgumentException>(() => cache.Add(hash[..20], 7));
    }

    [Fact]
    public void Past_its_capacity_the_oldest_entries_go_first()
    {
        var cache = new SignatureCache(capacity: 100);
        for (var i = 0; i < 150; i++)
        {
            cache.Add(Hash(i), (ulong)i);
        }

        Assert.Equal(100, cache.Count);
        Assert.All(Enumerable.Range(0, 50), i => Assert.False(cache.IsVerified(Hash(i), (ulong)i)));
        Assert.All(Enumerable.Range(50, 100), i => Assert.True(cache.IsVerified(Hash(i), (ulong)i)));
    }
}
