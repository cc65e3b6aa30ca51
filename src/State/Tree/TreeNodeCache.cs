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
/// Used only by the single writer (<see cref="JellyfishMerkleTree.ApplyBatch(ulong, IReadOnlyCollection{KeyValuePair{byte[], byte[]}}, Storage.IWriteBatch)"/>).
/// </summary>
internal sealed class TreeNodeCache
{
    private readonly Dictionary<NodePath, Entry> _nodes = new();
    private readonly int _capacity;
    private ulong _pendingVersion;
    private byte[]? _pendingRoot;
    private List<(NodePath Path, Entry? Entry)> _pending = new();

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
        if (_pendingRoot is not null && latest == _pendingVersion && latestRoot.SequenceEqual(_pendingRoot))
        {
            foreach (var (path, entry) in _pending)
            {
                if (entry is null)
                {
                    _nodes.Remove(path);
                }
                else if (_nodes.Count < _capacity || _nodes.ContainsKey(path))
                {
                    _nodes[path] = entry;
                }
            }
        }

        _pending.Clear();
        _pendingRoot = null;
        _pendingVersion = version;
    }

    /// <summary>Ends the staging of the version passed to <see cref="Begin"/>; its nodes apply if it commits with <paramref name="root"/>.</summary>
    public void End(byte[] root) => _pendingRoot = root;

    /// <summary>The committed node at (<paramref name="version"/>, <paramref name="path"/>) whose hash is <paramref name="hash"/>, or null.</summary>
    public InternalNode? TryGet(ulong version, NodePath path, ReadOnlySpan<byte> hash)
    {
        if (_nodes.TryGetValue(path, out var entry) && entry.Version == version && hash.SequenceEqual(entry.Hash))
        {
            return entry.Node;
        }

        return null;
    }

    /// <summary>Records a node the staged version writes; <paramref name="node"/> must not change afterwards.</summary>
    public void Written(NodePath path, ulong version, InternalNode node, byte[] hash)
    {
        if (_capacity > 0)
        {
            _pending.Add((path, new Entry(version, hash, node)));
        }
    }

    /// <summary>Records that the staged version leaves no internal node at <paramref name="path"/>.</summary>
    public void Removed(NodePath path)
    {
        if (_capacity > 0)
        {
            _pending.Add((path, null));
        }
    }

    private sealed record Entry(ulong Version, byte[] Hash, InternalNode Node);
}
