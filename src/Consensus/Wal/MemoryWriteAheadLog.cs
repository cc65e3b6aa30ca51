using Chain.Proto.Consensus;

namespace Chain.Consensus.Wal;

/// <summary>
/// A WAL in memory with the same framing and durability rules as the file: bytes appended without a sync
/// are lost (possibly torn mid-record) by <see cref="Crash"/>. The simulator keeps one per node across
/// crashes; reopening decodes the bytes exactly as a file would be.
/// </summary>
public sealed class MemoryWriteAheadLog : IWriteAheadLog
{
    private readonly long _compactAfterBytes;
    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _synced;

    public MemoryWriteAheadLog(long compactAfterBytes = 256 * 1024)
    {
        _compactAfterBytes = compactAfterBytes;
    }

    public long Length => _length;

    public long SyncedLength => _synced;

    public void Append(WalRecord record) => Write(WalFraming.Encode(record));

    public void AppendSync(WalRecord record)
    {
        Write(WalFraming.Encode(record));
        _synced = _length;
        if (record.SumCase == WalRecord.SumOneofCase.EndHeight && _length > _compactAfterBytes)
        {
            _length = 0;
            Write(WalFraming.Encode(record));
            _synced = _length;
        }
    }

    /// <summary>Decodes the log as a restart would, cutting off a torn tail.</summary>
    public IReadOnlyList<WalRecord> ReadAll()
    {
        List<WalRecord> records = WalFraming.Decode(_buffer.AsSpan(0, _length), out long valid);
        _length = (int)valid;
        _synced = Math.Min(_synced, _length);
        return records;
    }

    /// <summary>A power cut: keeps everything synced and a prefix of the rest (<paramref name="keepUnsyncedBytes"/>,
    /// clamped), which may end in the middle of a record.</summary>
    public void Crash(int keepUnsyncedBytes)
    {
        _length = _synced + Math.Clamp(keepUnsyncedBytes, 0, _length - _synced);
        _synced = _length;
    }

    /// <summary>Appends raw bytes (a test writes garbage to check torn-tail handling).</summary>
    public void AppendRaw(ReadOnlySpan<byte> bytes) => Write(bytes);

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes.Length));
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }
}
