using System.Buffers;

namespace Chain.State.Tree;

/// <summary>
/// A version's stale-index record (stored under <see cref="StateTreeKeys.StaleKey"/>): the store keys no version from
/// that one on needs, each as length (1) + key, so pruning past the version deletes exactly them.
/// </summary>
internal sealed class StaleIndexRecord
{
    private readonly ArrayBufferWriter<byte> _bytes = new(4096);

    /// <summary>The record as written so far.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.WrittenSpan;

    /// <summary>Marks a store key (at most 255 bytes) as not needed by any version from this one on.</summary>
    public void Add(ReadOnlySpan<byte> key)
    {
        var destination = _bytes.GetSpan(1 + key.Length);
        destination[0] = (byte)key.Length;
        key.CopyTo(destination[1..]);
        _bytes.Advance(1 + key.Length);
    }

    /// <summary>Marks the node at <paramref name="version"/> on the first <paramref name="depth"/> nibbles of <paramref name="pathSource"/>.</summary>
    public void AddNode(ulong version, ReadOnlySpan<byte> pathSource, int depth)
    {
        Span<byte> key = stackalloc byte[StateTreeKeys.MaxNodeKeySize];
        var length = StateTreeKeys.WriteNodeKey(key, version, pathSource, depth);
        Add(key[..length]);
    }

    /// <summary>The store keys listed in a record; throws only <see cref="NodeFormatException"/>.</summary>
    public static List<byte[]> Parse(ReadOnlySpan<byte> record)
    {
        var keys = new List<byte[]>();
        var offset = 0;
        while (offset < record.Length)
        {
            var length = record[offset];
            if (length == 0 || offset + 1 + length > record.Length)
            {
                throw new NodeFormatException($"a stale-index record has a key of {length} bytes at offset {offset} of {record.Length}");
            }

            keys.Add(record.Slice(offset + 1, length).ToArray());
            offset += 1 + length;
        }

        return keys;
    }
}
