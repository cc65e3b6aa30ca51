namespace Chain.State.Store;

/// <summary>Reads of logical state keys ("bank/balance/...").</summary>
public interface IStateReader
{
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>Entries whose key starts with <paramref name="prefix"/>, ascending by key.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix);
}
