using Chain.State.Storage;
using Chain.State.Tree;
using CsCheck;
using static Chain.State.Tests.Tree.TreeFixture;

namespace Chain.State.Tests.Tree;

public sealed class SparseMerkleProofTests
{
    private static (MemoryKeyValueStore Store, JellyfishMerkleTree Tree, byte[] OldRoot, byte[] Root) BuildTree()
    {
        var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        var changes = new List<KeyValuePair<byte[], byte[]?>>();
        for (var i = 0; i < 60; i++)
        {
            changes.Add(Put("k" + i, "v" + i));
        }

        var oldRoot = Commit(store, tree, 1, [.. changes]);
        var root = Commit(store, tree, 2, Put("k7", "changed"), Delete("k8"));
        return (store, tree, oldRoot, root);
    }

    [Fact]
    public void Every_single_byte_change_of_an_inclusion_proof_fails()
    {
        var (_, tree, _, root) = BuildTree();
        for (var i = 0; i < 60; i += 7)
        {
            var key = Key("k" + i);
            var result = tree.GetWithProof(key, 2);
            Assert.NotNull(result.Value);
            var encoded = result.Proof.Encode();
            Assert.True(SparseMerkleProof.Decode(encoded).VerifyInclusion(root, key, result.Value));
            foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                for (var position = 0; position < encoded.Length; position++)
                {
                    var tampered = (byte[])encoded.Clone();
                    tampered[position] ^= mask;
                    Assert.False(DecodesAndVerifies(tampered, p => p.VerifyInclusion(root, key, result.Value)), $"byte {position} ^ {mask:x2} still verified");
                }
            }
        }
    }

    [Fact]
    public void Every_single_byte_change_of_a_non_inclusion_proof_fails()
    {
        var (_, tree, _, root) = BuildTree();
        foreach (var name in new[] { "k8", "absent-1", "absent-2", "absent-3", "nothing" })
        {
            var key = Key(name);
            var result = tree.GetWithProof(key, 2);
            Assert.Null(result.Value);
            var encoded = result.Proof.Encode();
            Assert.True(SparseMerkleProof.Decode(encoded).VerifyNonInclusion(root, key));
            foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                for (var position = 0; position < encoded.Length; position++)
                {
                    var tampered = (byte[])encoded.Clone();
                    tampered[position] ^= mask;
                    Assert.False(DecodesAndVerifies(tampered, p => p.VerifyNonInclusion(root, key)), $"byte {position} ^ {mask:x2} still verified");
                }
            }
        }
    }

    [Fact]
    public void A_proof_fails_against_another_root_key_or_value()
    {
        var (_, tree, oldRoot, root) = BuildTree();
        var key = Key("k7");
        var proof = tree.GetWithProof(key, 2).Proof;
        Assert.True(proof.VerifyInclusion(root, key, "changed"u8));
        Assert.False(proof.VerifyInclusion(oldRoot, key, "changed"u8));
        Assert.False(proof.VerifyInclusion(root, key, "v7"u8));
        Assert.False(proof.VerifyInclusion(root, Key("k6"), "changed"u8));
        Assert.False(proof.VerifyNonInclusion(root, key));
        Assert.False(proof.VerifyInclusion(JellyfishMerkleTree.EmptyRootHash, key, "changed"u8));
        Assert.False(proof.VerifyInclusion(new byte[31], key, "changed"u8));

        // The old version's proof of the old value holds only against the old root.
        var oldProof = tree.GetWithProof(key, 1).Proof;
        Assert.True(oldProof.VerifyInclusion(oldRoot, key, "v7"u8));
        Assert.False(oldProof.VerifyInclusion(root, key, "v7"u8));

        // A deleted key: its old inclusion proof fails against the new root, its non-inclusion proof holds.
        var deleted = Key("k8");
        Assert.False(tree.GetWithProof(deleted, 1).Proof.VerifyInclusion(root, deleted, "v8"u8));
        Assert.True(tree.GetWithProof(deleted, 2).Proof.VerifyNonInclusion(root, deleted));
        Assert.False(tree.GetWithProof(deleted, 2).Proof.VerifyNonInclusion(oldRoot, deleted));

        // A non-inclusion proof of one absent key does not prove another absent key's absence.
        var absent = tree.GetWithProof(Key("absent-1"), 2).Proof;
        Assert.False(absent.VerifyNonInclusion(root, Key("k1")));
    }

    [Fact]
    public void Empty_and_single_leaf_trees_have_proofs()
    {
        using var store = new MemoryKeyValueStore();
        var tree = new JellyfishMerkleTree(store, StateTreeOptions.KeepAll);
        var empty = Commit(store, tree, 0);
        Assert.Equal(JellyfishMerkleTree.EmptyRootHash, empty);
        var none = tree.GetWithProof(Key("a"), 0);
        Assert.Null(none.Value);
        Assert.Equal(0, none.Proof.SiblingCount);
        Assert.True(none.Proof.VerifyNonInclusion(empty, Key("a")));

        var single = Commit(store, tree, 1, Put("a", "1"));
        var proof = tree.GetWithProof(Key("a"), 1).Proof;
        Assert.Equal(0, proof.SiblingCount);
        Assert.True(proof.VerifyInclusion(single, Key("a"), "1"u8));
        Assert.True(tree.GetWithProof(Key("b"), 1).Proof.VerifyNonInclusion(single, Key("b")));
        Assert.False(tree.GetWithProof(Key("b"), 1).Proof.VerifyNonInclusion(single, Key("a")));
    }

    [Fact]
    public void Decode_of_arbitrary_bytes_throws_only_its_format_exception()
    {
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            try
            {
                var proof = SparseMerkleProof.Decode(bytes);
                Assert.Equal(bytes, proof.Encode());
            }
            catch (ProofFormatException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Decode_rejects_a_count_that_the_bytes_do_not_hold()
    {
        // Claims 0xFFFF siblings in a 3-byte proof: rejected before anything is allocated by that count.
        Assert.Throws<ProofFormatException>(() => SparseMerkleProof.Decode([0x00, 0xFF, 0xFF]));
        Assert.Throws<ProofFormatException>(() => SparseMerkleProof.Decode([0x00, 0x01, 0x01, .. new byte[257 * 32]]));
        Assert.Throws<ProofFormatException>(() => SparseMerkleProof.Decode([0x02, 0x00, 0x00]));
        Assert.Throws<ProofFormatException>(() => SparseMerkleProof.Decode([0x00, 0x00, 0x00, 0x00]));
        Assert.Throws<ProofFormatException>(() => SparseMerkleProof.Decode([]));
    }

    private static bool DecodesAndVerifies(byte[] bytes, Func<SparseMerkleProof, bool> verify)
    {
        try
        {
            return verify(SparseMerkleProof.Decode(bytes));
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }
}
