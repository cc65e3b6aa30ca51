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
        Gen.Select(Gen.UShort, Gen.UShort, Gen.Byte.Array[16 * 32], Gen.ULong.Array[16], Gen.Byte.Array[16 * 32]).Sample((existence, leaves, hashes, versions, keyHashes) =>
        {
            var node = new InternalNode();
            for (var i = 0; i < 16; i++)
            {
                if ((existence & (1 << i)) == 0)
                {
                    continue;
                }

                if ((leaves & (1 << i)) != 0)
                {
                    node.SetLeafChild(i, versions[i], hashes.AsSpan(i * 32, 32), keyHashes.AsSpan(i * 32, 32));
                }
                else
                {
                    node.SetInternalChild(i, versions[i], hashes.AsSpan(i * 32, 32));
                }
            }

            if (node.ChildCount == 0)
            {
                Assert.Throws<NodeFormatException>(() => InternalNode.Decode(node.Encode()));
                return;
            }

            var decoded = InternalNode.Decode(node.Encode());
            Assert.Equal(node.Encode(), decoded.Encode());
            for (var i = 0; i < 16; i++)
            {
                if (node.IsLeaf(i))
                {
                    Assert.Equal(node.LeafKeyHash(i).ToArray(), decoded.LeafKeyHash(i).ToArray());
                }
            }

            var a = new byte[32];
            var b = new byte[32];
            node.ComputeHash(a);
            decoded.ComputeHash(b);
            Assert.Equal(a, b);
        }, iter: 2_000);
    }

    [Fact]
    public void Intermediate_hashes_follow_every_change_of_a_child()
    {
        Gen.Select(Gen.Byte.Array[32 * 40], Gen.Int[0, 15].Array[40], Gen.Int[0, 2].Array[40]).Sample((hashes, slots, actions) =>
        {
            // One node changed step by step keeps its hashes incrementally; a fresh decode recomputes them all.
            var node = new InternalNode();
            node.SetLeafChild(0, 1, hashes.AsSpan(0, 32), hashes.AsSpan(32, 32));
            var a = new byte[32];
            var b = new byte[32];
            for (var step = 0; step < 40; step++)
            {
                var slot = slots[step];
                var hash = hashes.AsSpan(step * 32, 32);
                switch (actions[step])
                {
                    case 0: node.SetLeafChild(slot, (ulong)step, hash, hash); break;
                    case 1: node.SetInternalChild(slot, (ulong)step, hash); break;
                    default:
                        if (node.ChildCount > 1)
                        {
                            node.RemoveChild(slot);
                        }

                        break;
                }

                if (node.ChildCount == 0)
                {
                    node.SetInternalChild(slot, 1, hash);
                }

                node.ComputeHash(a);
                InternalNode.Decode(node.Encode()).ComputeHash(b);
                Assert.Equal(b, a);

                // Ranges (proof siblings) agree whether read from the kept positions or computed on a fresh decode.
                for (var width = 1; width <= 16; width <<= 1)
                {
                    for (var low = 0; low < 16; low += width)
                    {
                        node.RangeHash(low, width, a);
                        InternalNode.Decode(node.Encode()).RangeHash(low, width, b);
                        Assert.Equal(b, a);
                    }
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void A_node_decoded_into_a_used_one_with_its_kept_hashes_matches_a_fresh_decode()
    {
        Gen.Select(Gen.Byte.Array[32 * 41], Gen.Int[0, 15].Array[41], Gen.Bool.Array[41]).Sample((hashes, slots, leaf) =>
        {
            // The writer's cache decodes nodes into objects that held other nodes and hands them their kept hashes.
            var node = new InternalNode();
            var reused = new InternalNode();
            var positions = new byte[InternalNode.PositionsSize];
            var a = new byte[32];
            var b = new byte[32];
            for (var step = 0; step < 40; step++)
            {
                Set(node, slots[step], (ulong)step, hashes.AsSpan(step * 32, 32), leaf[step]);
                node.CopyPositionsTo(positions);
                reused.DecodeInto(node.Encode());
                reused.SetPositions(positions);
                Assert.Equal(node.Encode(), reused.Encode());

                // A change made after that re-hashes from the kept hashes, as a fresh decode hashes from scratch.
                Set(reused, slots[step + 1], 99, hashes.AsSpan((step + 1) * 32, 32), leaf[step + 1]);
                reused.ComputeHash(a);
                InternalNode.Decode(reused.Encode()).ComputeHash(b);
                Assert.Equal(b, a);
            }

            reused.Reset();
            Assert.Equal(0, reused.ChildCount);
        }, iter: 300);

        static void Set(InternalNode node, int slot, ulong version, ReadOnlySpan<byte> hash, bool leaf)
        {
            if (leaf)
            {
                node.SetLeafChild(slot, version, hash, hash);
            }
            else
            {
                node.SetInternalChild(slot, version, hash);
            }
        }
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
