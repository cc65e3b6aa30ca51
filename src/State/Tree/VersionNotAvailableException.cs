namespace Chain.State.Tree;

/// <summary>A version of the state tree was asked for that was pruned or has not been committed.</summary>
public sealed class VersionNotAvailableException : Exception
{
    public VersionNotAvailableException(ulong version, ulong? latest)
        : base(latest is null
            ? $"state tree version {version} is not available: the tree has no committed version"
            : $"state tree version {version} is not available: it was pruned or is newer than the latest committed version {latest}")
    {
        Version = version;
        LatestVersion = latest;
    }

    /// <summary>The version that was asked for.</summary>
    public ulong Version { get; }

    /// <summary>The latest committed version at the time, or null for an empty store.</summary>
    public ulong? LatestVersion { get; }
}
