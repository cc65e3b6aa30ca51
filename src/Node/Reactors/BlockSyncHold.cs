namespace Chain.Node.Reactors;

/// <summary>
/// Holds block sync's application of fetched blocks until <see cref="Release"/>: a hook for tests that must see a node
/// while it is catching up, which on a short chain can otherwise be over before anyone looks. A node run by `chaind
/// start` has none.
/// </summary>
public sealed class BlockSyncHold
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when released.</summary>
    public Task Released => _released.Task;

    /// <summary>Lets block sync apply blocks from now on.</summary>
    public void Release() => _released.TrySetResult();
}
