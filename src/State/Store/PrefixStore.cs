namespace Chain.State.Store;

/// <summary>A module's key space: every key is prefixed (e.g. "bank/"), so modules cannot touch each other's keys.</summary>
public sealed class PrefixStore(IStateStore inner, byte[] prefix) : IStateStore
{
    private byte[] Full(ReadOnlySpan<byte> key)
    {
        var full = new byte[prefix.Length + key.Length];
        prefix.CopyTo(full, 0);
        key.CopyTo(full.AsSpan(prefix.Length));
        return full;
    }

    public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(Full(key));

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] keyPrefix)
    {
        foreach (var (k, v) in inner.IteratePrefix(Full(keyPrefix)))
        {
            yield return new KeyValuePair<byte[], byte[]>(k[prefix.Length..], v);
        }
    }

    public void Set(ReadOnlySpan<byte> key, byte[] value) => inner.Set(Full(key), value);

    public void Delete(ReadOnlySpan<byte> key) => inner.Delete(Full(key));
}
