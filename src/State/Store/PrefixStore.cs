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

    /// <summary>Keys up to this long are prefixed on the stack: the inner store copies any key it keeps.</summary>
    private const int StackKeyBytes = 256;

    /// <summary>The prefixed key, written into <paramref name="buffer"/> when it fits, else into a new array.</summary>
    private ReadOnlySpan<byte> Full(ReadOnlySpan<byte> key, Span<byte> buffer)
    {
        var length = prefix.Length + key.Length;
        if (length > buffer.Length)
        {
            return Full(key);
        }

        prefix.CopyTo(buffer);
        key.CopyTo(buffer[prefix.Length..]);
        return buffer[..length];
    }

    public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(Full(key, stackalloc byte[StackKeyBytes]));

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] keyPrefix)
    {
        foreach (var (k, v) in inner.IteratePrefix(Full(keyPrefix)))
        {
            yield return new KeyValuePair<byte[], byte[]>(k[prefix.Length..], v);
        }
    }

    public void Set(ReadOnlySpan<byte> key, byte[] value) => inner.Set(Full(key, stackalloc byte[StackKeyBytes]), value);

    public void Delete(ReadOnlySpan<byte> key) => inner.Delete(Full(key, stackalloc byte[StackKeyBytes]));
}
