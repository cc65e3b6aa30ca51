using Chain.State.Tree;
using CsCheck;

namespace Chain.State.Tests.Tree;

public sealed class TreeNodeCodecTests
{
    [Fact]
    public void Node_decoders_throw_only_their_format_exception()
    {
        Gen.Byte.Array[0, 700].Sample(bytes =>
        {
            Survives(() => InternalNode.Decode(bytes));
            Survives(() => LeafNode.Decode(bytes));
            Survives(() => RootRecord.Decode(bytes));
        }, iter: 20_000);
    }

    [Fact]
    public void Internal_node_round_trips_and_keeps_its_hash()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.Byte.Array[16 * 32], Gen.ULong.Array[16]).Sample((existence, leaves, hashes, versions) =>
        {
            var node = new InternalNode();
            for (var i = 0; i < 16; i++)
            {
                if ((existence & (1 << i)) != 0)
                {
                    node.SetChild(i, versions[i], (leaves & (1 << i)) != 0, hashes.AsSpan(i * 32, 32));
                }
            }

            if (node.ChildCount == 0)
            {
                Assert.Throws<NodeFormatException>(() => InternalNode.Decode(node.Encode()));
                return;
            }

            var decoded = InternalNode.Decode(node.Encode());
            Assert.Equal(node.Encode(), decoded.Encode());
            var a = new byte[32];
            var b = new byte[32];
            node.ComputeHash(a);
            decoded.ComputeHash(b);
            Assert.Equal(a, b);
        }, iter: 2_000);
    }

    [Fact]
    public void Empty_root_is_the_documented_constant()
    {
        Assert.Equal("EE76FA1C71D99175291E9F25FAD8686117DD8B74547731DE12325328AD47816A", Convert.ToHexString(JellyfishMerkleTree.EmptyRootHash));
        Assert.Equal(ReferenceSparseMerkleTree.Placeholder, JellyfishMerkleTree.EmptyRootHash);
    }

    private static void Survives(Action decode)
    {
        try
        {
            decode();
        }
        catch (NodeFormatException)
        {
        }
    }
}
