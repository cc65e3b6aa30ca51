using Chain.Crypto;

namespace Chain.Crypto.Tests;

public class MerkleTreeTests
{
    [Fact]
    public void Empty_single_and_pair_follow_rfc6962()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.Root([])));
        var a = "a"u8.ToArray();
        var b = "b"u8.ToArray();
        Assert.Equal(MerkleTree.LeafHash(a), MerkleTree.Root([a]));
        Assert.Equal(MerkleTree.InnerHash(MerkleTree.LeafHash(a), MerkleTree.LeafHash(b)), MerkleTree.Root([a, b]));
    }

    [Fact]
    public void Three_items_split_two_and_one()
    {
        byte[][] items = ["1"u8.ToArray(), "2"u8.ToArray(), "3"u8.ToArray()];
        var expected = MerkleTree.InnerHash(
            MerkleTree.InnerHash(MerkleTree.LeafHash(items[0]), MerkleTree.LeafHash(items[1])),
            MerkleTree.LeafHash(items[2]));
        Assert.Equal(expected, MerkleTree.Root(items));
        Assert.NotEqual(expected, MerkleTree.Root([items[1], items[0], items[2]]));
    }
}
