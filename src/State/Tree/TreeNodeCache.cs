namespace Chain.State.Tree;

/// <summary>
/// The writer's cache of the latest version's internal nodes, keyed by position, with their intermediate
/// binary hashes, so that a block's update reads the upper levels from memory and re-hashes a node with one
/// changed child in 4 SHA-256 instead of up to 15.
/// <para>
/// It never serves a node that is not committed: the nodes a version writes wait in a pending set, which is
/// applied only when the next version starts and finds that version committed in the store with the same
/// root. A hit must also match the version and the hash the parent records for the child, so a stale or
/// dropped entry can only miss (and the node is then read from the store). Bounded by a node count: once
/// full, new positions are not added (nodes already cached keep being replaced by their newer versions).
/// </para>
/// <para>
/// Node objects that leave the cache (replaced by a newer version, removed, or staged and dropped) go to a small
/// free list and are reused by <see cref="Copy"/>, so a steady stream of blocks allocates almost no new nodes and
/// the garbage collector does not have to move ~1.7 KB per rewritten node through its generations.
/// </para>
/// Used only by the single writer (<see cref="JellyfishMerkleTree.ApplyBatch(ulong, IReadOnlyCollection{KeyValuePair{byte[], byte[]}}, Storage.IWriteBatch)"/>).
/// </summary>
internal sealed class TreeNodeCache
{
    private const int MaxFree = 16_384;

    private readonly Dictionary<NodePath, Entry> _nodes = new();
    private readonly Stack<InternalNode> _free = new();
    private readonly List<(NodePath Path, ulong Version, InternalNode? Node)> _pending = new();
    private readonly int _capacity;
    private ulong _pendingVersion;
    private byte[]? _pendingRoot;

    public TreeNodeCache(int capacity)
    {
        _capacity = capacity;
    }

    public int Count => _nodes.Count;

    public bool Enabled => _capacity > 0;

    /// <summary>
    /// Starts staging <paramref name="version"/> on top of the committed <paramref name="latest"/> whose root is
    /// <paramref name="latestRoot"/>: applies what the previous staging wrote if that is what was committed, and
    /// forgets it otherwise.
    /// </summary>
    public void Begin(ulong version, ulong? latest, ReadOnlySpan<byte> latestRoot)
    {
        var apply = _pendingRoot is not null && latest == _pendingVersion && latestRoot.SequenceEqual(_pendingRoot);
        foreach (var (path, nodeVersion, node) in _pending)
        {
            if (!apply)
            {
                Release(node);
            }
            else if (node is null)
            {
                if (_nodes.Remove(path, out var removed))
                {
                    Release(removed.Node);
                }
            }
            else if (_nodes.TryGetValue(path, out var replaced))
            {
                Release(replaced.Node);
                _nodes[path] = new Entry(nodeVersion, node);
            }
            else if (_nodes.Count < _capacity)
            {
                _nodes[path] = new Entry(nodeVersion, node);
            }
            else
            {
                Release(node);
            }
        }

        _pending.Clear();
        _pendingRoot = null;
        _pendingVersion = version;
    }

    /// <summary>Ends the staging of the version passed to <see cref="Begin"/>; its nodes apply if it commits with <paramref name="root"/>.</summary>
    public void End(byte[] root) => _pendingRoot = root;

    /// <summary>
    /// A modifiable copy of the committed node at (<paramref name="version"/>, <paramref name="path"/>) whose hash is
    /// <paramref name="hash"/>, intermediate hashes included; null when the cache does not hold that node.
    /// </summary>
    public InternalNode? Copy(ulong version, NodePath path, ReadOnlySpan<byte> hash)
    {
        if (!_nodes.TryGetValue(path, out var entry) || entry.Version != version || !entry.Node.HashEquals(hash))
        {
            return null;
        }

        var copy = _free.Count > 0 ? _free.Pop() : new InternalNode();
        entry.Node.CopyTo(copy);
        return copy;
    }

    /// <summary>Records a node the staged version writes; <paramref name="node"/> must not change or be used afterwards.</summary>
    public void Written(NodePath path, ulong version, InternalNode node)
    {
        if (_capacity > 0)
        {
            _pending.Add((path, version, node));
        }
    }

    /// <summary>Records that the staged version leaves no internal node at <paramref name="path"/>.</summary>
    public void Removed(NodePath path)
    {
        if (_capacity > 0)
        {
            _pending.Add((path, 0, null));
        }
    }

    private void Release(InternalNode? node)
    {
        if (node is not null && _free.Count < MaxFree)
        {
            _free.Push(node);
        }
    }

    private readonly record struct Entry(ulong Version, InternalNode Node);
}
