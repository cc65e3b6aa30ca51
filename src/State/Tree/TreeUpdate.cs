using System.Buffers.Binary;
using Chain.State.Storage;

namespace Chain.State.Tree;

/// <summary>
/// One version's update of the tree: the changes sorted by key hash (last write of a key wins), applied by a
/// single recursive descent that visits every touched node once and stages new nodes, values and stale-index
/// entries into the caller's write batch. Nothing is read back from the batch; only committed nodes are read.
/// </summary>
internal sealed class TreeUpdate
{
    private const int HashSize = TreeHasher.HashSize;
    private const byte OpDelete = 0;
    private const byte OpPut = 1;
    private const byte OpNoop = 2;

    private readonly TreeNodeReader _reader;
    private readonly IWriteBatch _batch;
    private readonly ulong _version;
    private readonly byte[] _keyHashes;
    private readonly byte[] _valueHashes;
    private readonly byte[]?[] _values;
    private readonly byte[] _ops;
    private readonly int _count;

    public TreeUpdate(TreeNodeReader reader, IWriteBatch batch, ulong version, IReadOnlyCollection<KeyValuePair<byte[], byte[]?>> changes)
    {
        _reader = reader;
        _batch = batch;
        _version = version;

        var n = changes.Count;
        var hashes = new byte[n * HashSize];
        var values = new byte[]?[n];
        var i = 0;
        foreach (var change in changes)
        {
            if (change.Key is null)
            {
                throw new ArgumentException("a change has a null key", nameof(changes));
            }

            TreeHasher.HashKey(change.Key, hashes.AsSpan(i * HashSize, HashSize));
            values[i] = change.Value;
            i++;
        }

        var order = new int[n];
        for (var j = 0; j < n; j++)
        {
            order[j] = j;
        }

        Array.Sort(order, (a, b) =>
        {
            var c = hashes.AsSpan(a * HashSize, HashSize).SequenceCompareTo(hashes.AsSpan(b * HashSize, HashSize));
            return c != 0 ? c : a.CompareTo(b);
        });

        // Keep the last change of each key (the highest original index in a run of equal hashes).
        _keyHashes = new byte[n * HashSize];
        _valueHashes = new byte[n * HashSize];
        _values = new byte[]?[n];
        _ops = new byte[n];
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
            NodeKind.Leaf => UpdateLeaf(_reader.LoadLeaf(root.NodeVersion, default, 0), root.NodeVersion, 0, 0, _count),
            _ => UpdateInternal(_reader.LoadInternal(root.NodeVersion, default, 0), root.NodeVersion, 0, 0, _count),
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

    /// <summary>Marks a store key as not needed by any version from this one on.</summary>
    public void MarkStale(ReadOnlySpan<byte> key)
    {
        Span<byte> staleKey = stackalloc byte[9 + StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteStaleKey(staleKey, _version, key);
        _batch.Put(ColumnFamily.State, staleKey[..length], ReadOnlySpan<byte>.Empty);
    }

    private ReadOnlySpan<byte> KeyHash(int index) => _keyHashes.AsSpan(index * HashSize, HashSize);

    private Result UpdateLeaf(LeafNode leaf, ulong leafVersion, int depth, int lo, int hi)
    {
        LeafNode? carried = leaf;
        var index = Find(leaf.KeyHash, lo, hi);
        if (index >= 0)
        {
            if (_ops[index] == OpDelete)
            {
                WriteTombstone(leaf.KeyHash);
                MarkValueStale(leaf);
                MarkNodeStale(leafVersion, leaf.KeyHash, depth);
                carried = null;
            }
            else if (_valueHashes.AsSpan(index * HashSize, HashSize).SequenceEqual(leaf.ValueHash))
            {
                _ops[index] = OpNoop;
            }
            else
            {
                MarkValueStale(leaf);
                MarkNodeStale(leafVersion, leaf.KeyHash, depth);
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
        var pending = new Result[16];
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
                    ? UpdateLeaf(_reader.LoadLeaf(childVersion, KeyHash(start), childDepth), childVersion, childDepth, start, end)
                    : UpdateInternal(_reader.LoadInternal(childVersion, KeyHash(start), childDepth), childVersion, childDepth, start, end);
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
            MarkNodeStale(nodeVersion, pathSource, depth);
            return Result.Empty;
        }

        if (System.Numerics.BitOperations.PopCount((uint)remaining) == 1 && leaves == remaining)
        {
            // A single leaf left below this node: the node goes and the leaf rises to the parent's slot.
            MarkNodeStale(nodeVersion, pathSource, depth);
            var only = System.Numerics.BitOperations.TrailingZeroCount(remaining);
            if ((touched & (1 << only)) != 0)
            {
                return pending[only];
            }

            var siblingVersion = node.Versions[only];
            var sibling = _reader.LoadChildLeaf(siblingVersion, pathSource, depth, only);
            return Result.ForLeaf(sibling, siblingVersion, childDepth);
        }

        Span<byte> hash = stackalloc byte[HashSize];
        for (var i = 0; i < 16; i++)
        {
            if ((touched & (1 << i)) != 0)
            {
                Attach(node, i, pending[i], childDepth);
            }
        }

        MarkNodeStale(nodeVersion, pathSource, depth);
        return WriteInternal(node, pathSource, depth);
    }

    /// <summary>
    /// Builds the subtree at <paramref name="depth"/> holding the puts of [lo, hi) and, when not null,
    /// <paramref name="carried"/>: an existing leaf that keeps its value but may move.
    /// </summary>
    private Result Build(int depth, int lo, int hi, LeafNode? carried, ulong originVersion, int originDepth)
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

        var node = new InternalNode();
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
                node.SetChild(nibble, r.Version, false, r.Hash);
                break;
            case ResultKind.Leaf:
                Span<byte> hash = stackalloc byte[HashSize];
                var version = PlaceLeaf(r, childDepth, hash);
                node.SetChild(nibble, version, true, hash);
                break;
        }
    }

    /// <summary>Puts a leaf result at <paramref name="depth"/> on its key's path, writing it unless it already lies there; returns its node version.</summary>
    private ulong PlaceLeaf(Result r, int depth, Span<byte> hash)
    {
        var leaf = r.Leaf!;
        leaf.ComputeHash(hash);
        if (r.OriginDepth == depth)
        {
            return r.Version;
        }

        if (r.OriginDepth >= 0)
        {
            MarkNodeStale(r.Version, leaf.KeyHash, r.OriginDepth);
        }

        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, _version, leaf.KeyHash, depth);
        _batch.Put(ColumnFamily.State, key[..length], leaf.Encode());
        return _version;
    }

    private Result WriteInternal(InternalNode node, ReadOnlySpan<byte> pathSource, int depth)
    {
        var hash = new byte[HashSize];
        node.ComputeHash(hash);
        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, _version, pathSource, depth);
        _batch.Put(ColumnFamily.State, key[..length], node.Encode());
        return Result.ForInternal(_version, hash);
    }

    private LeafNode NewLeaf(int index)
    {
        var keyHash = KeyHash(index).ToArray();
        var value = _values[index]!;
        Span<byte> key = stackalloc byte[StateTreeKeys.ValueKeySize];
        StateTreeKeys.WriteValueKey(key, keyHash, _version);
        var stored = new byte[value.Length + 1];
        stored[0] = 1;
        value.CopyTo(stored, 1);
        _batch.Put(ColumnFamily.State, key, stored);
        return new LeafNode(keyHash, _valueHashes.AsSpan(index * HashSize, HashSize).ToArray(), _version);
    }

    private void WriteTombstone(byte[] keyHash)
    {
        Span<byte> key = stackalloc byte[StateTreeKeys.ValueKeySize];
        StateTreeKeys.WriteValueKey(key, keyHash, _version);
        _batch.Put(ColumnFamily.State, key, [0]);

        // The tombstone only hides older values of the key, which are stale from this version on as well.
        MarkStale(key);
    }

    private void MarkValueStale(LeafNode leaf)
    {
        Span<byte> key = stackalloc byte[StateTreeKeys.ValueKeySize];
        StateTreeKeys.WriteValueKey(key, leaf.KeyHash, leaf.ValueVersion);
        MarkStale(key);
    }

    private void MarkNodeStale(ulong version, ReadOnlySpan<byte> pathSource, int depth)
    {
        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, version, pathSource, depth);
        MarkStale(key[..length]);
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
        private Result(ResultKind kind, ulong version, byte[]? hash, LeafNode? leaf, int originDepth)
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

        public LeafNode? Leaf { get; }

        /// <summary>Leaf: the depth at which it is stored now, or -1 for a new leaf.</summary>
        public int OriginDepth { get; }

        public static Result ForLeaf(LeafNode leaf, ulong originVersion, int originDepth) =>
            new(ResultKind.Leaf, originVersion, null, leaf, originDepth);

        public static Result ForInternal(ulong version, byte[] hash) => new(ResultKind.Internal, version, hash, null, -1);
    }
}
