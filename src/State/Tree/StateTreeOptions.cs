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
    /// How many bytes of the latest version's internal nodes the writer keeps in memory: their encodings, hashes and,
    /// for nodes of five or more children, intermediate hashes, ~0.35 KB for a node of two leaves and ~1.5 KB for a
    /// full one. A tree of n random keys has about n / 3 internal nodes, ~190 bytes per key in all, so the default
    /// (224 MiB) holds every internal node of a tree of about 1,200,000 keys; a larger tree reads some of its lowest
    /// nodes from the store. It never holds more than the latest tree has. 0 turns the cache off.
    /// </summary>
    public long CachedNodeBytes { get; init; } = 224L * 1024 * 1024;

    /// <summary>Keep every version.</summary>
    public static StateTreeOptions KeepAll => new();
}
