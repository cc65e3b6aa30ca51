using System.Buffers.Binary;
using Chain.State.Storage;

namespace Chain.State.Tree;

/// <summary>
/// The node records one version writes, buffered and handed to the write batch in key order. RocksDB's memtable (a
/// skip list) inserts a key that follows the previous one in a few comparisons; the descent's own order (children
/// before parents, depths interleaved) made every insert search the list from its top, about a fifth of a block's
/// tree write. Reused from version to version by the single writer; a key given twice keeps its last value's place
/// after the first (the batch applies both, the last wins, as if unsorted).
/// </summary>
internal sealed class SortedNodeWrites
{
    /// <summary>Bytes of 'N' + version: the same for every node key of a version, so order is decided after them.</summary>
    private const int CommonPrefix = 9;

    /// <summary>A buffer grown past this is dropped after use rather than kept for the next version.</summary>
    private const int KeepBytes = 16 << 20;

    private byte[] _data = new byte[64 * 1024];
    private int _length;
    private Record[] _records = new Record[1024];
    private ulong[] _sortKeys = new ulong[1024];
    private int[] _order = new int[1024];
    private int _count;

    public int Count => _count;

    /// <summary>Buffers a node record; <paramref name="key"/> is a node key of the version being written.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_count == _records.Length)
        {
            Array.Resize(ref _records, _count * 2);
            Array.Resize(ref _sortKeys, _count * 2);
            Array.Resize(ref _order, _count * 2);
        }

        var needed = _length + key.Length + value.Length;
        if (needed > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(needed, _data.Length * 2));
        }

        key.CopyTo(_data.AsSpan(_length));
        value.CopyTo(_data.AsSpan(_length + key.Length));
        _records[_count] = new Record(_length, key.Length, value.Length);

        // Depth byte and the first 14 nibbles: enough to order any two nodes that differ in them.
        Span<byte> head = stackalloc byte[8];
        head.Clear();
        var tail = key.Length > CommonPrefix ? key[CommonPrefix..] : default;
        tail[..Math.Min(8, tail.Length)].CopyTo(head);
        _sortKeys[_count] = BinaryPrimitives.ReadUInt64BigEndian(head);
        _order[_count] = _count;
        _length = needed;
        _count++;
    }

    /// <summary>Puts every buffered record into <paramref name="batch"/> in key order and empties the buffer.</summary>
    public void WriteTo(IWriteBatch batch, ColumnFamily cf)
    {
        // Same depth and first 14 nibbles (deep nodes, or one position written twice): full keys decide, then the order given.
        HeadSort.Sort(_sortKeys, _order, _count, (a, b) =>
        {
            var c = Key(a).SequenceCompareTo(Key(b));
            return c != 0 ? c : a.CompareTo(b);
        });

        for (var i = 0; i < _count; i++)
        {
            var record = _records[_order[i]];
            batch.Put(cf, _data.AsSpan(record.Offset, record.KeyLength), _data.AsSpan(record.Offset + record.KeyLength, record.ValueLength));
        }

        Clear();
    }

    /// <summary>Forgets whatever is buffered (a version whose staging failed).</summary>
    public void Clear()
    {
        _count = 0;
        _length = 0;
        if (_data.Length > KeepBytes)
        {
            _data = new byte[64 * 1024];
        }
    }

    private ReadOnlySpan<byte> Key(int index) => _data.AsSpan(_records[index].Offset, _records[index].KeyLength);

    private readonly record struct Record(int Offset, int KeyLength, int ValueLength);
}
