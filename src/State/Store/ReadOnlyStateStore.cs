namespace Chain.State.Store;

/// <summary>Wraps a reader for code that takes a store but must only read (queries); writes throw.</summary>
public sealed class ReadOnlyStateStore(IStateReader inner) : IStateStore
{
    public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix) => inner.IteratePrefix(prefix);

    public void Set(ReadOnlySpan<byte> key, byte[] value) => throw new InvalidOperationException("state is read-only here");

    public void Delete(ReadOnlySpan<byte> key) => throw new InvalidOperationException("state is read-only here");
}
