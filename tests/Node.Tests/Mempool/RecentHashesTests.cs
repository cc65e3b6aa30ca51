using Chain.Crypto;
using Chain.Node.Mempool;

namespace Chain.Node.Tests.Mempool;

/// <summary>A bounded set of recent tx hashes: exact membership, the oldest forgotten first, whole hashes only.</summary>
public sealed class RecentHashesTests
{
    private static byte[] Hash(int i) => Hashes.Sha256(BitConverter.GetBytes(i));

    [Fact]
    public void Holds_the_newest_hashes_up_to_its_capacity_and_only_those()
    {
        var recent = new RecentHashes(100);
        for (var i = 0; i < 250; i++)
        {
            recent.Add(Hash(i));
            recent.Add(Hash(i)); // a second add changes nothing
        }

        Assert.All(Enumerable.Range(0, 150), i => Assert.False(recent.Contains(Hash(i))));
        Assert.All(Enumerable.Range(150, 100), i => Assert.True(recent.Contains((byte[])Hash(i).Clone())));
        var last = Hash(249);
        last[31] ^= 0x80;
        Assert.False(recent.Contains(last));
        Assert.Throws<ArgumentException>(() => recent.Contains(new byte[31]));
    }
}
