using Chain.State.Storage;
using Chain.State.Tree;

namespace Chain.State.Commitment;

/// <summary>
/// The authenticated state commitment: every block's writes go into the versioned Jellyfish-style Merkle
/// tree (version = height, genesis = 0), whose root is the next header's app hash. Any key can be proved
/// (present or absent) at every retained version.
/// </summary>
public sealed class TreeCommitment : IStateCommitment
{
    private readonly JellyfishMerkleTree _tree;

    public TreeCommitment(IKeyValueStore store, StateTreeOptions options)
    {
        _tree = new JellyfishMerkleTree(store, options);
        if (_tree.LatestVersion is { } latest)
        {
            LatestVersion = latest;
            LatestRoot = _tree.RootHash(latest);
        }
        else
        {
            LatestRoot = JellyfishMerkleTree.EmptyRootHash;
        }
    }

    public JellyfishMerkleTree Tree => _tree;

    public ulong LatestVersion { get; private set; }

    public byte[] LatestRoot { get; private set; }

    public byte[] Stage(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch batch)
    {
        var root = _tree.ApplyBatch(version, (IReadOnlyCollection<KeyValuePair<byte[], byte[]?>>)sortedWrites, batch);
        _tree.Prune(version, batch);
        return root;
    }

    public void OnCommitted(ulong version, byte[] root)
    {
        LatestVersion = version;
        LatestRoot = root;
    }

    public StateProofResult? Prove(ReadOnlySpan<byte> key, ulong version)
    {
        var result = _tree.GetWithProof(key, version);
        return new StateProofResult(version, result.Value, result.Proof.Encode());
    }

    public bool Verify(byte[] root, ReadOnlySpan<byte> key, byte[]? value, ReadOnlySpan<byte> proof)
    {
        try
        {
            var decoded = SparseMerkleProof.Decode(proof);
            return value is null ? decoded.VerifyNonInclusion(root, key) : decoded.VerifyInclusion(root, key, value);
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }
}
