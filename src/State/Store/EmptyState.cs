namespace Chain.State.Store;

/// <summary>A state with no keys: the base of a scratch cache that checks what a genesis section would write.</summary>
public sealed class EmptyState : IStateReader
{
    public static EmptyState Instance { get; } = new();

    private EmptyState()
    {
    }

    public byte[]? Get(ReadOnlySpan<byte> key) => null;

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix) => [];
}
