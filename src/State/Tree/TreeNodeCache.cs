using System.Runtime.InteropServices;

namespace Chain.State.Tree;

/// <summary>
/// The writer's cache of the latest version's internal nodes, keyed by position, so that a block's update reads
/// no internal node from the store once the cache holds the tree, and re-hashes a node with one changed child in
/// 4 SHA-256 instead of up to 15.
/// <para>
/// An entry is compact: the node's hash and encoding (the bytes written to the store, 5 + 40 per child + 32 per leaf
/// child); for a node of <see cref="PositionsFrom"/> or more children also its 15 intermediate binary hashes. A node
/// with fewer children re-hashes from its children in as few SHA-256 as the intermediate hashes would save. Entries
/// live in a <see cref="SlotArena"/>, so the collector never walks or moves them. A 1,000,000-key tree's ~360,000
/// internal nodes take about 180 MiB this way: most are nodes of two or three leaves just above the leaves (~0.35 KB
/// each), ~70,000 are full ones (~1.5 KB each).
/// </para>
/// <para>
/// It never serves a node that is not committed: the nodes a version writes wait in a pending set, which is
/// applied only when the next version starts and finds that version committed in the store with the same
/// root. A hit must also match the version and the hash the parent records for the child, so a stale or
/// dropped entry can only miss (and the node is then read from the store). Bounded in bytes: once full, new
/// positions are not added (nodes already cached keep being replaced by their newer versions).
/// </para>
/// <para>
/// It also lends the writer its working <see cref="InternalNode"/> objects (<see cref="Rent"/>): ~1.7 KB each,
/// taken back as soon as a node is written, so a steady stream of blocks allocates almost no new nodes and the
/// garbage collector does not move them through its generations.
/// </para>
/// Used only by the single writer (<see cref="JellyfishMerkleTree.ApplyBatch(ulong, IReadOnlyCollection{KeyValuePair{byte[], byte[]}}, Storage.IWriteBatch)"/>).
/// </summary>
internal sealed class TreeNodeCache
{
    /// <summary>Nodes with at least this many children keep their intermediate hashes.</summary>
    public const int PositionsFrom = 5;

    /// <summary>What an entry costs besides its slot: the dictionary's entry (path, entry, hash code, link) and bucket.</summary>
    public const int EntryOverhead = 88;

    private const int HashSize = TreeHasher.HashSize;

    private const int MaxFreeNodes = 1_024;

    private readonly Dictionary<NodePath, Entry> _nodes = new();
    private readonly Stack<InternalNode> _freeNodes = new();
    private readonly SlotArena _arena = new();
    private readonly List<(NodePath Path, Entry Entry)> _pending = new();
    private readonly long _capacity;
    private long _bytes;
    private ulong _pendingVersion;
    private byte[]? _pendingRoot;

    public TreeNodeCache(long capacityBytes)
    {
        _capacity = capacityBytes;
    }

    public int Count => _nodes.Count;

    /// <summary>What the entries take (their slots and <see cref="EntryOverhead"/> each).</summary>
    public long Bytes => _bytes;

    /// <summary>What the cache holds in memory: its arena's arrays, in use or free, and <see cref="EntryOverhead"/> per entry.</summary>
    public long BytesHeld => _arena.BytesHeld + ((long)_nodes.Count * EntryOverhead);

    public bool Enabled => _capacity > 0;

    /// <summary>
    /// Starts staging <paramref name="version"/> on top of the committed <paramref name="latest"/> whose root is
    /// <paramref name="latestRoot"/>: applies what the previous staging wrote if that is what was committed, and
    /// forgets it otherwise.
    /// </summary>
    public void Begin(ulong version, ulong? latest, ReadOnlySpan<byte> latestRoot)
    {
        var apply = _pendingRoot is not null && latest == _pendingVersion && latestRoot.SequenceEqual(_pendingRoot);
        foreach (var (path, entry) in _pending)
        {
            if (!apply)
            {
                Release(entry);
            }
            else if (entry.Removal)
            {
                if (_nodes.Remove(path, out var removed))
                {
                    _bytes -= removed.Size;
                    Release(removed);
                }
            }
            else
            {
                // One lookup per node; a new position that does not fit (only once the cache is full) is taken out again.
                ref var cached = ref CollectionsMarshal.GetValueRefOrAddDefault(_nodes, path, out var exists);
                if (exists)
                {
                    _bytes += entry.Size - cached.Size;
                    Release(cached);
                    cached = entry;
                }
                else if (_bytes + entry.Size <= _capacity)
                {
                    _bytes += entry.Size;
                    cached = entry;
                }
                else
                {
                    _nodes.Remove(path);
                    Release(entry);
                }
            }
        }

        _pending.Clear();
        _pendingRoot = null;
        _pendingVersion = version;
    }

    /// <summary>Ends the staging of the version passed to <see cref="Begin"/>; its nodes apply if it commits with <paramref name="root"/>.</summary>
    public void End(byte[] root) => _pendingRoot = root;

    /// <summary>A node without children to work on; give it back with <see cref="Return"/> once written.</summary>
    public InternalNode Rent()
    {
        if (_freeNodes.TryPop(out var node))
        {
            node.Reset();
            return node;
        }

        return new InternalNode();
    }

    /// <summary>Takes back a node from <see cref="Rent"/> or <see cref="Copy"/> that no one uses any more.</summary>
    public void Return(InternalNode node)
    {
        if (_freeNodes.Count < MaxFreeNodes)
        {
            _freeNodes.Push(node);
        }
    }

    /// <summary>
    /// A modifiable copy of the committed node at (<paramref name="version"/>, <paramref name="path"/>) whose hash is
    /// <paramref name="hash"/>, intermediate hashes included where kept; null when the cache does not hold that node.
    /// </summary>
    public InternalNode? Copy(ulong version, NodePath path, ReadOnlySpan<byte> hash)
    {
        if (!_nodes.TryGetValue(path, out var entry) || entry.Version != version)
        {
            return null;
        }

        var bytes = _arena.Get(entry.Slot);
        if (!bytes[..HashSize].SequenceEqual(hash))
        {
            return null;
        }

        var copy = Rent();
        if (entry.WithPositions)
        {
            copy.DecodeInto(bytes[(HashSize + InternalNode.PositionsSize)..]);
            copy.SetPositions(bytes.Slice(HashSize, InternalNode.PositionsSize));
        }
        else
        {
            copy.DecodeInto(bytes[HashSize..]);
        }

        return copy;
    }

    /// <summary>
    /// Records a node the staged version writes at <paramref name="path"/>, with its encoding <paramref name="encoded"/>
    /// and hash <paramref name="hash"/> (both copied). The node itself goes back to the free list.
    /// </summary>
    public void Written(NodePath path, ulong version, InternalNode node, ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> hash)
    {
        if (_capacity > 0)
        {
            var withPositions = node.ChildCount >= PositionsFrom;
            var slot = _arena.Allocate(HashSize + (withPositions ? InternalNode.PositionsSize : 0) + encoded.Length);
            var bytes = _arena.Get(slot);
            hash.CopyTo(bytes);
            if (withPositions)
            {
                node.CopyPositionsTo(bytes.Slice(HashSize, InternalNode.PositionsSize));
                encoded.CopyTo(bytes[(HashSize + InternalNode.PositionsSize)..]);
            }
            else
            {
                encoded.CopyTo(bytes[HashSize..]);
            }

            _pending.Add((path, new Entry(version, slot, withPositions, Removal: false)));
        }

        Return(node);
    }

    /// <summary>Records that the staged version leaves no internal node at <paramref name="path"/>.</summary>
    public void Removed(NodePath path)
    {
        if (_capacity > 0)
        {
            _pending.Add((path, new Entry(0, default, WithPositions: false, Removal: true)));
        }
    }

    private void Release(Entry entry)
    {
        if (!entry.Removal)
        {
            _arena.Free(entry.Slot);
        }
    }

    /// <summary>
    /// A cached node's version and slot: its hash, then its intermediate hashes when <see cref="WithPositions"/>, then its
    /// encoding. A pending removal has no slot.
    /// </summary>
    private readonly record struct Entry(ulong Version, SlotArena.Slot Slot, bool WithPositions, bool Removal)
    {
        public long Size => SlotArena.SlotSize(Slot.Length) + EntryOverhead;
    }
}
