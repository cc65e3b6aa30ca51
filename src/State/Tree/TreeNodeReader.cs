using Chain.State.Storage;

namespace Chain.State.Tree;

/// <summary>Reads committed tree nodes, values and root records from the store.</summary>
internal sealed class TreeNodeReader
{
    private readonly IKeyValueStore _store;

    public TreeNodeReader(IKeyValueStore store)
    {
        _store = store;
    }

    public LeafNode LoadLeaf(ulong version, ReadOnlySpan<byte> pathSource, int depth) =>
        LeafNode.Decode(LoadNodeBytes(version, pathSource, depth));

    /// <summary>Loads the leaf in slot <paramref name="nibble"/> of the node at <paramref name="parentDepth"/> on <paramref name="pathSource"/>'s path.</summary>
    public LeafNode LoadChildLeaf(ulong version, ReadOnlySpan<byte> pathSource, int parentDepth, int nibble)
    {
        Span<byte> path = stackalloc byte[TreeHasher.HashSize];
        pathSource[..((parentDepth + 2) >> 1)].CopyTo(path);
        var index = parentDepth >> 1;
        path[index] = (parentDepth & 1) == 0 ? (byte)(nibble << 4) : (byte)((path[index] & 0xF0) | nibble);
        return LoadLeaf(version, path, parentDepth + 1);
    }

    public InternalNode LoadInternal(ulong version, ReadOnlySpan<byte> pathSource, int depth) =>
        InternalNode.Decode(LoadNodeBytes(version, pathSource, depth));

    /// <summary>The root record of <paramref name="version"/>, or null when that version is pruned or was never committed.</summary>
    public RootRecord? TryReadRoot(ulong version)
    {
        Span<byte> key = stackalloc byte[StateTreeKeys.RootKeySize];
        StateTreeKeys.WriteRootKey(key, version);
        var bytes = _store.Get(ColumnFamily.State, key);
        return bytes is null ? null : RootRecord.Decode(bytes);
    }

    public ulong? ReadLatestVersion()
    {
        var bytes = _store.Get(ColumnFamily.State, StateTreeKeys.LatestKey);
        if (bytes is null)
        {
            return null;
        }

        if (bytes.Length != 8)
        {
            throw new NodeFormatException($"the latest-version record is 8 bytes; got {bytes.Length}");
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    public byte[] LoadNodeBytes(ulong version, ReadOnlySpan<byte> pathSource, int depth)
    {
        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, version, pathSource, depth);
        return _store.Get(ColumnFamily.State, key[..length])
            ?? throw new NodeFormatException($"tree node at version {version}, depth {depth} is missing from the store");
    }
}
