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
    /// How many internal nodes of the latest version the writer keeps in memory with their intermediate hashes
    /// (about 1.8 KB each, never more than the latest tree has; a tree of n random keys has about n / 3 internal nodes). 0 turns the cache off.
    /// </summary>
    public int CachedNodes { get; init; } = 131_072;

    /// <summary>Keep every version.</summary>
    public static StateTreeOptions KeepAll => new();
}
