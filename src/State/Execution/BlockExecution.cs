using Chain.Proto.Types;
using Chain.State.Storage;

namespace Chain.State.Execution;

/// <summary>An executed but not yet committed block: its results, the new app hash and the staged batch.</summary>
public sealed class BlockExecution : IDisposable
{
    public required Block Block { get; init; }

    public required byte[] BlockHash { get; init; }

    public required BlockResults Results { get; init; }

    public required byte[] AppHash { get; init; }

    public required IWriteBatch Batch { get; init; }

    /// <summary>Only under <see cref="CommitFault"/>: the tree's nodes, staged apart from <see cref="Batch"/>.</summary>
    public IWriteBatch? TreeNodes { get; init; }

    /// <summary>The state keys the block changed with their new values (null: deleted), in key order.</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]?>> Writes { get; init; } = [];

    /// <summary>Number of state keys the block changed.</summary>
    public int StateWrites => Writes.Count;

    /// <summary>What the modules' EndBlock asked of the validator set (the union; each key at most once).</summary>
    public IReadOnlyList<Modules.ValidatorPowerUpdate> ValidatorUpdates { get; init; } = [];

    public void Dispose()
    {
        Batch.Dispose();
        TreeNodes?.Dispose();
    }
}
