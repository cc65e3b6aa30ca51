namespace Chain.State.Tree;

/// <summary>Settings of the authenticated state tree.</summary>
public sealed record StateTreeOptions
{
    /// <summary>
    /// How many of the most recent versions stay readable after <see cref="JellyfishMerkleTree.Prune"/>:
    /// with K, versions latest-K+1 .. latest are kept. 0 keeps every version (an archive node).
    /// </summary>
    public ulong KeepVersions { get; init; }

    /// <summary>Keep every version.</summary>
    public static StateTreeOptions KeepAll => new();
}
