namespace Chain.State.Tree;

/// <summary>Settings of the authenticated state tree.</summary>
public sealed record StateTreeOptions
{
    /// <summary>
    /// How many of the most recent versions stay readable after <see cref="JellyfishMerkleTree.Prune"/>:
    /// with K, versions latest-K+1 .. latest are kept. 0 keeps every version (an archive node).
    /// </summary>
    public ulong KeepVersions { get; init; }

    /// <summary>
    /// How many bytes of the latest version's internal nodes the writer keeps in memory (their encodings, hashes and,
    /// for nodes of five or more children, intermediate hashes: ~0.3 KB for a node of two leaves, ~1.5 KB for a full
    /// one). Never more than the latest tree has: a tree of n random keys has about n / 3 internal nodes, ~130 bytes
    /// per key in all, so the default holds a tree of about 1,000,000 keys. 0 turns the cache off.
    /// </summary>
    public long CachedNodeBytes { get; init; } = 160L * 1024 * 1024;

    /// <summary>Keep every version.</summary>
    public static StateTreeOptions KeepAll => new();
}
