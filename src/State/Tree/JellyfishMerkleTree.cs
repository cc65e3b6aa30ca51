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
    private readonly TreeNodeCache _cache;
    private readonly SortedNodeWrites _writes = new();

    public JellyfishMerkleTree(IKeyValueStore store, StateTreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _reader = new TreeNodeReader(store);
        _cache = new TreeNodeCache(options.CachedNodeBytes);
    }

    /// <summary>How many internal nodes the writer's cache holds (for tests and metrics).</summary>
    public int CachedNodeCount => _cache.Count;

    /// <summary>How many bytes the writer's cache's entries take (bounded by <see cref="StateTreeOptions.CachedNodeBytes"/>).</summary>
    public long CachedNodeBytes => _cache.Bytes;

    /// <summary>
    /// How many bytes the writer's cache holds in memory: its entries, and slots freed for reuse. A version that
    /// rewrites most of the cached nodes holds both copies until the next version starts, so this may reach about
    /// twice <see cref="CachedNodeBytes"/>.
    /// </summary>
    public long CachedNodeBytesHeld => _cache.BytesHeld;

    /// <summary>The root hash of the empty tree (a fresh copy).</summary>
    public static byte[] EmptyRootHash => TreeHasher.Placeholder.ToArray();

    /// <summary>The last committed version, read from the store; null when nothing was committed.</summary>
    public ulong? LatestVersion => _reader.ReadLatestVersion();

    /// <summary>
    /// Stages version <paramref name="version"/> into <paramref name="batch"/>: the new and moved nodes (leaves
    /// carry their key and value), the stale-index record of what this version replaces, the root record and the
    /// latest-version record. Nothing is visible until the caller writes the batch. <paramref name="changes"/>
    /// maps a logical key to its new value, or to null to delete it; a key given twice takes its last value.
    /// </summary>
    /// <returns>The new root hash (32 bytes).</returns>
    public byte[] ApplyBatch(ulong version, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes, IWriteBatch batch) =>
        ApplyBatch(version, changes, batch, batch);

    /// <summary>
    /// As <see cref="ApplyBatch(ulong, IReadOnlyCollection{KeyValuePair{byte[], byte[]}}, IWriteBatch)"/>, with the
    /// nodes and the stale-index record in <paramref name="nodes"/> and the root and latest-version records (which
    /// make the version visible) in <paramref name="roots"/>. A node uses one batch for both; the two exist so a
    /// test can write the nodes alone and show that they change nothing a reader sees.
    /// </summary>
    public byte[] ApplyBatch(ulong version, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes, IWriteBatch nodes, IWriteBatch roots)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(roots);
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

        _cache.Begin(version, latest, previous.Hash);
        _writes.Clear();
        using var update = new TreeUpdate(_reader, _cache, _writes, version, changes);
        var root = update.Run(previous);
        _writes.WriteTo(nodes, ColumnFamily.State);
        if (latest is { } previousVersion)
        {
            // Version v stays readable while it is retained; its root record goes once v + 1 is pruned past.
            update.Stale.Add(StateTreeKeys.RootKey(previousVersion));
        }

        // Always written, even empty: a version staged again after a crash replaces whatever an earlier attempt left.
        nodes.Put(ColumnFamily.State, StateTreeKeys.StaleKey(version), update.Stale.Bytes);
        roots.Put(ColumnFamily.State, StateTreeKeys.RootKey(version), root.Encode());
        Span<byte> latestBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(latestBytes, version);
        roots.Put(ColumnFamily.State, StateTreeKeys.LatestKey, latestBytes);
        _cache.End(root.Hash);
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
                    return keyHash.SequenceEqual(leaf.KeyHash) ? leaf.Value : null;
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

                    if (node.IsLeaf(nibble) && !node.LeafKeyHash(nibble).SequenceEqual(keyHash))
                    {
                        return null; // another key's leaf: the parent says so without reading it
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
            value = leaf.Value;
        }

        var proof = new SparseMerkleProof(leaf?.KeyHash, leaf?.ValueHash, siblings[..(count * TreeHasher.HashSize)].ToArray());
        return new StateProofResult(value, proof);
    }

    /// <summary>The root hash of <paramref name="version"/> (32 bytes).</summary>
    /// <exception cref="VersionNotAvailableException">The version was pruned or never committed.</exception>
    public byte[] RootHash(ulong version) => RequireRoot(version).Hash;

    /// <summary>
    /// Stages into <paramref name="batch"/> the deletion of every node and root record that no version from
    /// latestVersion - keep + 1 on needs (keep = <see cref="StateTreeOptions.KeepVersions"/>; 0 keeps all and
    /// does nothing). It reads the stale index from the store, so it sees what committed versions replaced:
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
            foreach (var key in StaleIndexRecord.Parse(entry.Value))
            {
                batch.Delete(ColumnFamily.State, key);
            }

            batch.Delete(ColumnFamily.State, entry.Key);
        }
    }

    /// <summary>
    /// Stages into <paramref name="batch"/> the deletion of what a version that never committed left behind: nodes
    /// and stale-index records of versions above the latest committed one (a process that died after writing
    /// them, before the version's root record). Nothing reads them, and staging that version again overwrites
    /// its stale-index record; this only reclaims the space. Returns how many entries it deletes.
    /// </summary>
    public int DiscardUncommitted(IWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var latest = LatestVersion;
        byte[] nodesFrom = latest is { } v ? StateTreeKeys.NodeBound(v) : [StateTreeKeys.NodePrefix];
        byte[] staleFrom = latest is { } w ? StateTreeKeys.StaleBound(w) : [StateTreeKeys.StalePrefix];
        var count = 0;
        foreach (var entry in _store.Iterate(ColumnFamily.State, nodesFrom, [StateTreeKeys.NodePrefix + 1]))
        {
            batch.Delete(ColumnFamily.State, entry.Key);
            count++;
        }

        foreach (var entry in _store.Iterate(ColumnFamily.State, staleFrom, [StateTreeKeys.StalePrefix + 1]))
        {
            batch.Delete(ColumnFamily.State, entry.Key);
            count++;
        }

        return count;
    }

    /// <summary>Every key and its value at <paramref name="version"/>, in key-hash order (a walk of the whole tree).</summary>
    /// <exception cref="VersionNotAvailableException">The version was pruned or never committed.</exception>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate(ulong version)
    {
        var root = RequireRoot(version);
        if (root.Kind == NodeKind.Empty)
        {
            yield break;
        }

        var path = new byte[TreeHasher.HashSize];
        var stack = new Stack<(NodeKind Kind, ulong Version, byte[] Path, int Depth)>();
        stack.Push((root.Kind, root.NodeVersion, path, 0));
        while (stack.Count > 0)
        {
            var (kind, nodeVersion, nodePath, depth) = stack.Pop();
            if (kind == NodeKind.Leaf)
            {
                var leaf = _reader.LoadLeaf(nodeVersion, nodePath, depth);
                yield return new KeyValuePair<byte[], byte[]>(leaf.Key, leaf.Value);
                continue;
            }

            if (depth >= 64)
            {
                throw new NodeFormatException("the tree is deeper than 64 nibbles");
            }

            var node = _reader.LoadInternal(nodeVersion, nodePath, depth);
            for (var nibble = 15; nibble >= 0; nibble--)
            {
                if (!node.HasChild(nibble))
                {
                    continue;
                }

                var child = (byte[])nodePath.Clone();
                var index = depth >> 1;
                child[index] = (depth & 1) == 0 ? (byte)(nibble << 4) : (byte)((child[index] & 0xF0) | nibble);
                stack.Push((node.IsLeaf(nibble) ? NodeKind.Leaf : NodeKind.Internal, node.Versions[nibble], child, depth + 1));
            }
        }
    }

    private RootRecord RequireRoot(ulong version) =>
        _reader.TryReadRoot(version) ?? throw new VersionNotAvailableException(version, LatestVersion);
}
