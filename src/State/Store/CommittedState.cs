using Chain.State.Storage;

namespace Chain.State.Store;

/// <summary>
/// The latest committed value of every logical key, kept flat in the State column family under the
/// prefix 'L' so that a read is one point lookup. The state commitment (the Merkle tree) is kept
/// beside it and proves these values.
/// </summary>
public sealed class CommittedState : IStateReader
{
    /// <summary>The prefix that marks flat latest-value entries in <see cref="ColumnFamily.State"/>.</summary>
    public const byte Prefix = (byte)'L';

    private readonly IKeyValueStore _store;

    public CommittedState(IKeyValueStore store) => _store = store;

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        Span<byte> buffer = key.Length < 256 ? stackalloc byte[key.Length + 1] : new byte[key.Length + 1];
        buffer[0] = Prefix;
        key.CopyTo(buffer[1..]);
        return _store.Get(ColumnFamily.State, buffer);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        var full = new byte[prefix.Length + 1];
        full[0] = Prefix;
        prefix.CopyTo(full, 1);
        foreach (var (k, v) in _store.IteratePrefix(ColumnFamily.State, full))
        {
            yield return new KeyValuePair<byte[], byte[]>(k[1..], v);
        }
    }

    /// <summary>Stages the writes of one block into the batch (written atomically with the block).</summary>
    public static void StageWrites(IReadOnlyList<KeyValuePair<byte[], byte[]?>> sortedWrites, IWriteBatch batch)
    {
        foreach (var (key, value) in sortedWrites)
        {
            var full = new byte[key.Length + 1];
            full[0] = Prefix;
            key.CopyTo(full, 1);
            if (value is null)
            {
                batch.Delete(ColumnFamily.State, full);
            }
            else
            {
                batch.Put(ColumnFamily.State, full, value);
            }
        }
    }
}
