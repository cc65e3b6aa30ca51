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

        // A process that died after writing a version's nodes but before its root left them behind; drop them.
        using (var batch = store.CreateBatch())
        {
            DiscardedOnOpen = _tree.DiscardUncommitted(batch);
            if (DiscardedOnOpen > 0)
            {
                store.Write(batch, sync: true);
            }
        }

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

    /// <summary>How many entries of a version that never committed were deleted when this store was opened.</summary>
    public int DiscardedOnOpen { get; }

    public ulong LatestVersion { get; private set; }

    public byte[] LatestRoot { get; private set; }

    public byte[] Stage(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch batch) =>
        Stage(version, sortedWrites, batch, batch);

    public byte[] Stage(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch nodes, IWriteBatch roots)
    {
        var root = _tree.ApplyBatch(version, (IReadOnlyCollection<KeyValuePair<byte[], byte[]?>>)sortedWrites, nodes, roots);
        _tree.Prune(version, roots);
        return root;
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(ulong version) =>
        _tree.LatestVersion is null ? [] : _tree.Enumerate(version);

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
