using System.Buffers.Binary;
using Chain.State.Storage;

namespace Chain.State.Tree;

/// <summary>
/// The authenticated state: a versioned sparse Merkle tree in the style of the Jellyfish Merkle Tree
/// (Diem/Aptos). Key paths are SHA-256 of the logical key (64 nibbles); internal nodes are 16-ary; a
/// subtree holding one key is stored as that key's leaf at the subtree's top. Nodes are stored in
/// <see cref="ColumnFamily.State"/> keyed by (version, nibble path), so every committed version stays
/// readable until <see cref="Prune"/> removes it. See docs/state-tree.md.
/// <para>
/// The root of the empty tree is <see cref="EmptyRootHash"/>: SHA-256 of the ASCII string
/// "Chain.StateTree.Empty" (ee76fa1c...ad47816a).
/// </para>
/// <para>Not thread-safe for writers: one <see cref="ApplyBatch"/> at a time; reads may run beside it.</para>
/// </summary>
public sealed class JellyfishMerkleTree
{
    private readonly IKeyValueStore _store;
    private readonly StateTreeOptions _options;
    private readonly TreeNodeReader _reader;

    public JellyfishMerkleTree(IKeyValueStore store, StateTreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _reader = new TreeNodeReader(store);
    }

    /// <summary>The root hash of the empty tree (a fresh copy).</summary>
    public static byte[] EmptyRootHash => TreeHasher.Placeholder.ToArray();

    /// <summary>The last committed version, read from the store; null when nothing was committed.</summary>
    public ulong? LatestVersion => _reader.ReadLatestVersion();

    /// <summary>
    /// Stages version <paramref name="version"/> into <paramref name="batch"/>: the new and moved nodes, the new
    /// values, the stale-index entries of what this version replaces, the root record and the latest-version
    /// record. Nothing is visible until the caller writes the batch. <paramref name="changes"/> maps a logical
    /// key to its new value, or to null to delete it; a key given twice takes its last value.
    /// </summary>
    /// <returns>The new root hash (32 bytes).</returns>
    public byte[] ApplyBatch(ulong version, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes, IWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(batch);
        if (version == ulong.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(version), "version ulong.MaxValue is reserved");
        }

        var latest = LatestVersion;
        RootRecord previous;
        if (latest is { } last)
        {
            if (version != last + 1)
            {
                throw new ArgumentOutOfRangeException(nameof(version), $"the next version must be {last + 1} (latest committed is {last}); got {version}");
            }

            previous = _reader.TryReadRoot(last) ?? throw new NodeFormatException($"the root record of the latest version {last} is missing");
        }
        else
        {
            previous = RootRecord.Empty;
        }

        var update = new TreeUpdate(_reader, batch, version, changes);
        var root = update.Run(previous);

        batch.Put(ColumnFamily.State, StateTreeKeys.RootKey(version), root.Encode());
        Span<byte> latestBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(latestBytes, version);
        batch.Put(ColumnFamily.State, StateTreeKeys.LatestKey, latestBytes);
        if (latest is { } previousVersion)
        {
            // Version v stays readable while it is retained; its root record goes once v + 1 is pruned past.
            update.MarkStale(StateTreeKeys.RootKey(previousVersion));
        }

        return root.Hash.ToArray();
    }

    /// <summary>The value of <paramref name="key"/> at <paramref name="version"/>, or null when absent.</summary>
    /// <exception cref="VersionNotAvailableException">The version was pruned or never committed.</exception>
    public byte[]? Get(ReadOnlySpan<byte> key, ulong version)
    {
        var root = RequireRoot(version);
        Span<byte> keyHash = stackalloc byte[TreeHasher.HashSize];
        TreeHasher.HashKey(key, keyHash);
        var kind = root.Kind;
        var nodeVersion = root.NodeVersion;
        for (var depth = 0; ; depth++)
        {
            switch (kind)
            {
                case NodeKind.Empty:
                    return null;
                case NodeKind.Leaf:
                    var leaf = _reader.LoadLeaf(nodeVersion, keyHash, depth);
                    return keyHash.SequenceEqual(leaf.KeyHash) ? _reader.ReadValue(leaf) : null;
                default:
                    if (depth >= 64)
                    {
                        throw new NodeFormatException("the tree is deeper than 64 nibbles");
                    }

                    var node = _reader.LoadInternal(nodeVersion, keyHash, depth);
                    var nibble = TreeHasher.Nibble(keyHash, depth);
                    if (!node.HasChild(nibble))
                    {
                        return null;
                    }

                    kind = node.IsLeaf(nibble) ? NodeKind.Leaf : NodeKind.Internal;
                    nodeVersion = node.Versions[nibble];
                    break;
            }
        }
    }

    /// <summary>The value of <paramref name="key"/> at <paramref name="version"/> (null when absent) and its proof against <see cref="RootHash"/>.</summary>
    /// <exception cref="VersionNotAvailableException">The version was pruned or never committed.</exception>
    public StateProofResult GetWithProof(ReadOnlySpan<byte> key, ulong version)
    {
        var root = RequireRoot(version);
        var keyHash = new byte[TreeHasher.HashSize];
        TreeHasher.HashKey(key, keyHash);
        Span<byte> siblings = stackalloc byte[SparseMerkleProof.MaxSiblings * TreeHasher.HashSize];
        var count = 0;
        LeafNode? leaf = null;
        if (root.Kind == NodeKind.Leaf)
        {
            leaf = _reader.LoadLeaf(root.NodeVersion, keyHash, 0);
        }
        else if (root.Kind == NodeKind.Internal)
        {
            var node = _reader.LoadInternal(root.NodeVersion, keyHash, 0);
            for (var depth = 0; node is not null; depth++)
            {
                var nibble = TreeHasher.Nibble(keyHash, depth);
                var low = 0;
                InternalNode? next = null;
                for (var width = 16; ; width >>= 1)
                {
                    var present = node.Existence & (((1 << width) - 1) << low);
                    if (present == 0)
                    {
                        break;
                    }

                    if (System.Numerics.BitOperations.PopCount((uint)present) == 1)
                    {
                        var only = System.Numerics.BitOperations.TrailingZeroCount(present);
                        if (node.IsLeaf(only))
                        {
                            leaf = _reader.LoadChildLeaf(node.Versions[only], keyHash, depth, only);
                            break;
                        }

                        if (width == 1)
                        {
                            if (depth + 1 >= 64)
                            {
                                throw new NodeFormatException("the tree is deeper than 64 nibbles");
                            }

                            next = _reader.LoadInternal(node.Versions[only], keyHash, depth + 1);
                            break;
                        }
                    }

                    var half = width >> 1;
                    var sibling = siblings.Slice(count * TreeHasher.HashSize, TreeHasher.HashSize);
                    if (nibble < low + half)
                    {
                        node.RangeHash(low + half, half, sibling);
                    }
                    else
                    {
                        node.RangeHash(low, half, sibling);
                        low += half;
                    }

                    count++;
                }

                node = next;
            }
        }

        byte[]? value = null;
        if (leaf is not null && leaf.KeyHash.AsSpan().SequenceEqual(keyHash))
        {
            value = _reader.ReadValue(leaf);
        }

        var proof = new SparseMerkleProof(leaf?.KeyHash, leaf?.ValueHash, siblings[..(count * TreeHasher.HashSize)].ToArray());
        return new StateProofResult(value, proof);
    }

    /// <summary>The root hash of <paramref name="version"/> (32 bytes).</summary>
    /// <exception cref="VersionNotAvailableException">The version was pruned or never committed.</exception>
    public byte[] RootHash(ulong version) => RequireRoot(version).Hash;

    /// <summary>
    /// Stages into <paramref name="batch"/> the deletion of every node, value and root record that no version
    /// from latestVersion - keep + 1 on needs (keep = <see cref="StateTreeOptions.KeepVersions"/>; 0 keeps all
    /// and does nothing). It reads the stale index from the store, so it sees what committed versions replaced:
    /// called after the batch of <paramref name="latestVersion"/> was written, it leaves exactly the last keep
    /// versions; called in that same batch, what <paramref name="latestVersion"/> itself replaced waits for the
    /// next call (which matters only for keep = 1: the previous version stays readable one version longer).
    /// </summary>
    public void Prune(ulong latestVersion, IWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var keep = _options.KeepVersions;
        if (keep == 0 || latestVersion + 1 <= keep)
        {
            return;
        }

        var oldestKept = latestVersion - keep + 1;
        var end = StateTreeKeys.StaleBound(oldestKept);
        foreach (var entry in _store.Iterate(ColumnFamily.State, [StateTreeKeys.StalePrefix], end))
        {
            batch.Delete(ColumnFamily.State, entry.Key.AsSpan(9));
            batch.Delete(ColumnFamily.State, entry.Key);
        }
    }

    private RootRecord RequireRoot(ulong version) =>
        _reader.TryReadRoot(version) ?? throw new VersionNotAvailableException(version, LatestVersion);
}
