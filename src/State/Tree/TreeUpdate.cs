using System.Buffers;
using System.Buffers.Binary;
using Chain.State.Storage;

namespace Chain.State.Tree;

/// <summary>
/// One version's update of the tree: the changes sorted by key hash (last write of a key wins), applied by a
/// single recursive descent that visits every touched node once and stages new nodes (<see cref="SortedNodeWrites"/>,
/// which the tree hands to the caller's batch in key order) and the keys it replaces into one stale-index record.
/// Nothing staged is read back; only
/// committed nodes are read (internal nodes from <see cref="TreeNodeCache"/> when it has them). Its hash arrays
/// (32 bytes per change, large-object-heap sizes for a block of thousands of txs) come from the shared array pool
/// and go back on <see cref="Dispose"/>.
/// </summary>
internal sealed class TreeUpdate : IDisposable
{
    private const int HashSize = TreeHasher.HashSize;
    private const byte OpDelete = 0;
    private const byte OpPut = 1;
    private const byte OpNoop = 2;

    private readonly TreeNodeReader _reader;
    private readonly TreeNodeCache _cache;
    private readonly SortedNodeWrites _writes;
    private readonly ulong _version;
    private readonly byte[] _keyHashes;
    private readonly byte[] _valueHashes;
    private readonly byte[][] _keys;
    private readonly byte[]?[] _values;
    private readonly byte[] _ops;
    private readonly int _count;

    /// <summary>Leaf hash of change i once computed (when <see cref="_leafHashKnown"/>[i]).</summary>
    private readonly byte[] _leafHashes;
    private readonly bool[] _leafHashKnown;

    /// <summary>One scratch array of child results per depth (a descent uses each depth once at a time).</summary>
    private readonly Result[][] _pendingByDepth = new Result[65][];

    private bool _disposed;

    /// <summary>The version's stale-index record: every node and record this update replaces.</summary>
    public StaleIndexRecord Stale { get; } = new();

    public TreeUpdate(TreeNodeReader reader, TreeNodeCache cache, SortedNodeWrites writes, ulong version, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes)
    {
        _reader = reader;
        _cache = cache;
        _writes = writes;
        _version = version;

        var n = changes.Count;
        var hashes = ArrayPool<byte>.Shared.Rent(n * HashSize);
        var keys = new byte[n][];
        var values = new byte[]?[n];
        var i = 0;
        foreach (var change in changes)
        {
            if (change.Key is null)
            {
                throw new ArgumentException("a change has a null key", nameof(changes));
            }

            if (change.Key.Length > LeafNode.MaxKeyLength)
            {
                throw new ArgumentException($"a key of {change.Key.Length} bytes is longer than the {LeafNode.MaxKeyLength} a leaf holds", nameof(changes));
            }

            TreeHasher.HashKey(change.Key, hashes.AsSpan(i * HashSize, HashSize));
            keys[i] = change.Key;
            values[i] = change.Value;
            i++;
        }

        // Sorted by the hashes' first 8 bytes as numbers (a primitive sort); where those are equal (the same key given
        // twice, or a 64-bit prefix shared), by the whole hash and then the order given.
        var order = new int[n];
        var heads = ArrayPool<ulong>.Shared.Rent(n);
        for (var j = 0; j < n; j++)
        {
            order[j] = j;
            heads[j] = BinaryPrimitives.ReadUInt64BigEndian(hashes.AsSpan(j * HashSize));
        }

        HeadSort.Sort(heads, order, n, (a, b) =>
        {
            var c = hashes.AsSpan(a * HashSize, HashSize).SequenceCompareTo(hashes.AsSpan(b * HashSize, HashSize));
            return c != 0 ? c : a.CompareTo(b);
        });

        ArrayPool<ulong>.Shared.Return(heads);

        // Keep the last change of each key (the highest original index in a run of equal hashes).
        _keyHashes = ArrayPool<byte>.Shared.Rent(n * HashSize);
        _valueHashes = ArrayPool<byte>.Shared.Rent(n * HashSize);
        _keys = new byte[n][];
        _values = new byte[]?[n];
        _ops = new byte[n];
        _leafHashes = ArrayPool<byte>.Shared.Rent(n * HashSize);
        _leafHashKnown = ArrayPool<bool>.Shared.Rent(n);
        Array.Clear(_leafHashKnown, 0, n);
        var m = 0;
        for (var j = 0; j < n; j++)
        {
            var index = order[j];
            if (j + 1 < n && hashes.AsSpan(index * HashSize, HashSize).SequenceEqual(hashes.AsSpan(order[j + 1] * HashSize, HashSize)))
            {
                continue;
            }

            hashes.AsSpan(index * HashSize, HashSize).CopyTo(_keyHashes.AsSpan(m * HashSize));
            var value = values[index];
            _keys[m] = keys[index];
            _values[m] = value;
            if (value is null)
            {
                _ops[m] = OpDelete;
            }
            else
            {
                _ops[m] = OpPut;
                TreeHasher.HashValue(value, _valueHashes.AsSpan(m * HashSize, HashSize));
            }

            m++;
        }

        _count = m;
        ArrayPool<byte>.Shared.Return(hashes);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ArrayPool<byte>.Shared.Return(_keyHashes);
        ArrayPool<byte>.Shared.Return(_valueHashes);
        ArrayPool<byte>.Shared.Return(_leafHashes);
        ArrayPool<bool>.Shared.Return(_leafHashKnown);
    }

    private enum ResultKind
    {
        Unchanged,
        Empty,
        Leaf,
        Internal,
    }

    /// <summary>Applies the changes to the tree whose root is <paramref name="root"/>; stages the new root record and returns it.</summary>
    public RootRecord Run(RootRecord root)
    {
        if (_count == 0)
        {
            return root;
        }

        var result = root.Kind switch
        {
            NodeKind.Empty => Build(0, 0, _count, null, 0, -1),
            NodeKind.Leaf => UpdateLeaf(LeafRef.Of(_reader.LoadLeaf(root.NodeVersion, default, 0)), root.NodeVersion, 0, 0, _count),
            _ => UpdateInternal(LoadForUpdate(root.NodeVersion, KeyHash(0), 0, root.Hash), root.NodeVersion, 0, 0, _count),
        };

        switch (result.Kind)
        {
            case ResultKind.Unchanged:
                return root;
            case ResultKind.Empty:
                return RootRecord.Empty;
            case ResultKind.Internal:
                return new RootRecord(NodeKind.Internal, result.Version, result.Hash!);
            default:
                var hash = new byte[HashSize];
                var version = PlaceLeaf(result, 0, hash);
                return new RootRecord(NodeKind.Leaf, version, hash);
        }
    }

    private ReadOnlySpan<byte> KeyHash(int index) => _keyHashes.AsSpan(index * HashSize, HashSize);

    /// <summary>Updates the subtree that is the leaf <paramref name="leaf"/> stored at (<paramref name="leafVersion"/>, <paramref name="depth"/>); reads the leaf only if it has to move.</summary>
    private Result UpdateLeaf(LeafRef leaf, ulong leafVersion, int depth, int lo, int hi)
    {
        LeafRef? carried = leaf;
        var index = Find(leaf.KeyHash, lo, hi);
        if (index >= 0)
        {
            if (_ops[index] == OpDelete)
            {
                Stale.AddNode(leafVersion, leaf.KeyHash, depth);
                carried = null;
            }
            else if (LeafHashOf(index).SequenceEqual(leaf.Hash))
            {
                _ops[index] = OpNoop;
            }
            else
            {
                Stale.AddNode(leafVersion, leaf.KeyHash, depth);
                carried = null;
            }
        }

        if (carried is not null && CountPuts(lo, hi) == 0)
        {
            return Result.Unchanged;
        }

        return Build(depth, lo, hi, carried, leafVersion, depth);
    }

    private Result UpdateInternal(InternalNode node, ulong nodeVersion, int depth, int lo, int hi)
    {
        var pending = _pendingByDepth[depth] ??= new Result[16];
        var touched = 0;
        var childDepth = depth + 1;
        var start = lo;
        while (start < hi)
        {
            var nibble = TreeHasher.Nibble(KeyHash(start), depth);
            var end = start + 1;
            while (end < hi && TreeHasher.Nibble(KeyHash(end), depth) == nibble)
            {
                end++;
            }

            Result r;
            if (node.HasChild(nibble))
            {
                var childVersion = node.Versions[nibble];
                r = node.IsLeaf(nibble)
                    ? UpdateLeaf(LeafRef.Child(node, nibble), childVersion, childDepth, start, end)
                    : UpdateInternal(LoadForUpdate(childVersion, KeyHash(start), childDepth, node.ChildHash(nibble)), childVersion, childDepth, start, end);
            }
            else
            {
                r = Build(childDepth, start, end, null, 0, -1);
                if (r.Kind == ResultKind.Empty)
                {
                    r = Result.Unchanged;
                }
            }

            if (r.Kind != ResultKind.Unchanged)
            {
                pending[nibble] = r;
                touched |= 1 << nibble;
            }

            start = end;
        }

        if (touched == 0)
        {
            _cache.Return(node);
            return Result.Unchanged;
        }

        // Which children remain, and is the one remaining child (if one) a leaf?
        var remaining = 0;
        var leaves = 0;
        for (var i = 0; i < 16; i++)
        {
            if ((touched & (1 << i)) != 0)
            {
                var kind = pending[i].Kind;
                if (kind != ResultKind.Empty)
                {
                    remaining |= 1 << i;
                    if (kind == ResultKind.Leaf)
                    {
                        leaves |= 1 << i;
                    }
                }
            }
            else if (node.HasChild(i))
            {
                remaining |= 1 << i;
                if (node.IsLeaf(i))
                {
                    leaves |= 1 << i;
                }
            }
        }

        var pathSource = KeyHash(lo);
        if (remaining == 0)
        {
            Stale.AddNode(nodeVersion, pathSource, depth);
            _cache.Removed(NodePath.Of(pathSource, depth));
            _cache.Return(node);
            return Result.Empty;
        }

        if (System.Numerics.BitOperations.PopCount((uint)remaining) == 1 && leaves == remaining)
        {
            // A single leaf left below this node: the node goes and the leaf rises to the parent's slot.
            Stale.AddNode(nodeVersion, pathSource, depth);
            _cache.Removed(NodePath.Of(pathSource, depth));
            var only = System.Numerics.BitOperations.TrailingZeroCount(remaining);
            var risen = (touched & (1 << only)) != 0
                ? pending[only]
                : Result.ForLeaf(LeafRef.Child(node, only), node.Versions[only], childDepth);
            _cache.Return(node);
            return risen;
        }

        for (var i = 0; i < 16; i++)
        {
            if ((touched & (1 << i)) != 0)
            {
                Attach(node, i, pending[i], childDepth);
            }
        }

        Stale.AddNode(nodeVersion, pathSource, depth);
        return WriteInternal(node, pathSource, depth);
    }

    /// <summary>
    /// Builds the subtree at <paramref name="depth"/> holding the puts of [lo, hi) and, when not null,
    /// <paramref name="carried"/>: an existing leaf that keeps its value but may move.
    /// </summary>
    private Result Build(int depth, int lo, int hi, LeafRef? carried, ulong originVersion, int originDepth)
    {
        var puts = CountPuts(lo, hi);
        var total = puts + (carried is null ? 0 : 1);
        if (total == 0)
        {
            return Result.Empty;
        }

        if (total == 1)
        {
            if (carried is not null)
            {
                return Result.ForLeaf(carried, originVersion, originDepth);
            }

            return Result.ForLeaf(NewLeaf(FirstPut(lo, hi)), 0, -1);
        }

        var node = _cache.Rent();
        var childDepth = depth + 1;
        var carriedNibble = carried is null ? -1 : TreeHasher.Nibble(carried.KeyHash, depth);
        var start = lo;
        for (var nibble = 0; nibble < 16; nibble++)
        {
            var end = start;
            while (end < hi && TreeHasher.Nibble(KeyHash(end), depth) == nibble)
            {
                end++;
            }

            var withCarried = carriedNibble == nibble ? carried : null;
            if (end > start || withCarried is not null)
            {
                var r = Build(childDepth, start, end, withCarried, originVersion, originDepth);
                if (r.Kind != ResultKind.Empty)
                {
                    Attach(node, nibble, r, childDepth);
                }
            }

            start = end;
        }

        return WriteInternal(node, carried is not null ? carried.KeyHash : KeyHash(FirstPut(lo, hi)), depth);
    }

    private void Attach(InternalNode node, int nibble, Result r, int childDepth)
    {
        switch (r.Kind)
        {
            case ResultKind.Empty:
                node.RemoveChild(nibble);
                break;
            case ResultKind.Internal:
                node.SetInternalChild(nibble, r.Version, r.Hash);
                break;
            case ResultKind.Leaf:
                var version = PlaceLeaf(r, childDepth, []);
                node.SetLeafChild(nibble, version, r.Leaf!.Hash, r.Leaf.KeyHash);
                break;
        }
    }

    /// <summary>Puts a leaf result at <paramref name="depth"/> on its key's path, writing it unless it already lies there; returns its node version.</summary>
    private ulong PlaceLeaf(Result r, int depth, Span<byte> hash)
    {
        var leaf = r.Leaf!;
        if (!hash.IsEmpty)
        {
            leaf.Hash.CopyTo(hash);
        }

        if (r.OriginDepth == depth)
        {
            return r.Version;
        }

        // A new leaf, or one that moves: only now is a stored leaf read.
        var encoded = leaf.Node?.Encode() ?? _reader.LoadNodeBytes(r.Version, leaf.KeyHash, r.OriginDepth);
        if (r.OriginDepth >= 0)
        {
            Stale.AddNode(r.Version, leaf.KeyHash, r.OriginDepth);
        }

        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, _version, leaf.KeyHash, depth);
        _writes.Add(key[..length], encoded);
        return _version;
    }

    private Result WriteInternal(InternalNode node, ReadOnlySpan<byte> pathSource, int depth)
    {
        var hash = new byte[HashSize];
        node.ComputeHash(hash);
        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, _version, pathSource, depth);
        Span<byte> encoded = stackalloc byte[InternalNode.MaxEncodedSize];
        encoded = encoded[..node.EncodeInto(encoded)];
        _writes.Add(key[..length], encoded);
        _cache.Written(NodePath.Of(pathSource, depth), _version, node, encoded, hash);
        return Result.ForInternal(_version, hash);
    }

    /// <summary>A committed internal node to modify: a copy of the cached one, or a fresh decode from the store.</summary>
    private InternalNode LoadForUpdate(ulong version, ReadOnlySpan<byte> pathSource, int depth, ReadOnlySpan<byte> hash)
    {
        if (_cache.Enabled && _cache.Copy(version, NodePath.Of(pathSource, depth), hash) is { } cached)
        {
            return cached;
        }

        var node = _cache.Rent();
        node.DecodeInto(_reader.LoadNodeBytes(version, pathSource, depth));
        return node;
    }

    private LeafRef NewLeaf(int index)
    {
        var node = new LeafNode(KeyHash(index).ToArray(), _valueHashes.AsSpan(index * HashSize, HashSize).ToArray(), _keys[index], _values[index]!);
        return new LeafRef(node.KeyHash, LeafHashOf(index).ToArray(), node);
    }

    /// <summary>The leaf hash of put <paramref name="index"/>, computed once.</summary>
    private ReadOnlySpan<byte> LeafHashOf(int index)
    {
        var hash = _leafHashes.AsSpan(index * HashSize, HashSize);
        if (!_leafHashKnown[index])
        {
            TreeHasher.HashLeaf(KeyHash(index), _valueHashes.AsSpan(index * HashSize, HashSize), hash);
            _leafHashKnown[index] = true;
        }

        return hash;
    }

    /// <summary>A leaf as its parent knows it (key hash and leaf hash), with the node itself when it is new or was read.</summary>
    private sealed class LeafRef(byte[] keyHash, byte[] hash, LeafNode? node)
    {
        public byte[] KeyHash { get; } = keyHash;

        public byte[] Hash { get; } = hash;

        public LeafNode? Node { get; } = node;

        public static LeafRef Child(InternalNode parent, int nibble) =>
            new(parent.LeafKeyHash(nibble).ToArray(), parent.ChildHash(nibble).ToArray(), null);

        public static LeafRef Of(LeafNode node)
        {
            var hash = new byte[TreeHasher.HashSize];
            node.ComputeHash(hash);
            return new LeafRef(node.KeyHash, hash, node);
        }
    }

    private int Find(ReadOnlySpan<byte> keyHash, int lo, int hi)
    {
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = KeyHash(mid).SequenceCompareTo(keyHash);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return -1;
    }

    private int CountPuts(int lo, int hi)
    {
        var n = 0;
        for (var i = lo; i < hi; i++)
        {
            if (_ops[i] == OpPut)
            {
                n++;
            }
        }

        return n;
    }

    private int FirstPut(int lo, int hi)
    {
        for (var i = lo; i < hi; i++)
        {
            if (_ops[i] == OpPut)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no put in range");
    }

    /// <summary>What became of a subtree: unchanged, empty, a leaf (not yet placed) or a written internal node.</summary>
    private readonly struct Result
    {
        private Result(ResultKind kind, ulong version, byte[]? hash, LeafRef? leaf, int originDepth)
        {
            Kind = kind;
            Version = version;
            Hash = hash;
            Leaf = leaf;
            OriginDepth = originDepth;
        }

        public static Result Unchanged => new(ResultKind.Unchanged, 0, null, null, -1);

        public static Result Empty => new(ResultKind.Empty, 0, null, null, -1);

        public ResultKind Kind { get; }

        /// <summary>Internal: the new node's version. Leaf: the version of the node it was stored as (when OriginDepth >= 0).</summary>
        public ulong Version { get; }

        public byte[]? Hash { get; }

        public LeafRef? Leaf { get; }

        /// <summary>Leaf: the depth at which it is stored now, or -1 for a new leaf.</summary>
        public int OriginDepth { get; }

        public static Result ForLeaf(LeafRef leaf, ulong originVersion, int originDepth) =>
            new(ResultKind.Leaf, originVersion, null, leaf, originDepth);

        public static Result ForInternal(ulong version, byte[] hash) => new(ResultKind.Internal, version, hash, null, -1);
    }
}
