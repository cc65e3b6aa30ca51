namespace Chain.State.Store;

/// <summary>Reads and writes of logical state keys.</summary>
public interface IStateStore : IStateReader
{
    void Set(ReadOnlySpan<byte> key, byte[] value);

    void Delete(ReadOnlySpan<byte> key);
}
