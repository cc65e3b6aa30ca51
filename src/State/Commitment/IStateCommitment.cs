using Chain.State.Storage;

namespace Chain.State.Commitment;

/// <summary>
/// What commits a block's state changes to a root hash (the next header's app hash). The node uses
/// <see cref="TreeCommitment"/>; the block executor knows only this interface.
/// </summary>
public interface IStateCommitment
{
    /// <summary>The last committed version (block height), or 0 before the first commit.</summary>
    ulong LatestVersion { get; }

    /// <summary>The root after <see cref="LatestVersion"/> (the empty root before any commit).</summary>
    byte[] LatestRoot { get; }

    /// <summary>
    /// Stages the commitment of <paramref name="version"/> into <paramref name="batch"/>; the caller writes the
    /// batch atomically with the block. <paramref name="sortedWrites"/> are ordered by key; a null value deletes.
    /// Returns the new root. State becomes visible only after the batch is written and <see cref="OnCommitted"/> is called.
    /// </summary>
    byte[] Stage(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch batch);

    /// <summary>
    /// As <see cref="Stage(ulong, IReadOnlyList{KeyValuePair{byte[], byte[]}}, IWriteBatch)"/>, with the tree's nodes in
    /// <paramref name="nodes"/> and what makes the version visible (its root and latest-version records) in
    /// <paramref name="roots"/>. Only the fault-injection path of the block executor writes them apart.
    /// </summary>
    byte[] Stage(ulong version, IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch nodes, IWriteBatch roots);

    /// <summary>Every key and value at <paramref name="version"/> (nothing before the first commit), to rebuild data kept outside the commitment.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(ulong version);

    /// <summary>Tells the commitment that the batch staged for <paramref name="version"/> is durable.</summary>
    void OnCommitted(ulong version, byte[] root);

    /// <summary>A proof for <paramref name="key"/> at <paramref name="version"/>, or null when this commitment cannot prove.</summary>
    StateProofResult? Prove(ReadOnlySpan<byte> key, ulong version);

    /// <summary>Verifies a proof produced by <see cref="Prove"/> against a root.</summary>
    bool Verify(byte[] root, ReadOnlySpan<byte> key, byte[]? value, ReadOnlySpan<byte> proof);
}
