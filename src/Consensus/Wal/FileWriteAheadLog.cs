using Chain.Proto.Consensus;

namespace Chain.Consensus.Wal;

/// <summary>
/// The WAL in one file (framing in <see cref="WalFraming"/>). Opening it reads every record and cuts off a
/// torn tail (a record half-written when the process died). When an end-of-height marker is synced and the
/// file has grown past <see cref="CompactAfterBytes"/>, the file is cut back to that marker alone: replay never needs anything before the last marker.
/// </summary>
public sealed class FileWriteAheadLog : IWriteAheadLog, IDisposable
{
    private readonly FileStream _stream;
    private readonly List<WalRecord> _recordsAtOpen;

    public FileWriteAheadLog(string path, long compactAfterBytes = 64L * 1024 * 1024)
    {
        Path = path;
        CompactAfterBytes = compactAfterBytes;
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
        byte[] data = new byte[_stream.Length];
        _stream.ReadExactly(data);
        _recordsAtOpen = WalFraming.Decode(data, out long valid);
        TruncatedBytes = data.Length - valid;
        if (TruncatedBytes > 0)
        {
            _stream.SetLength(valid);
            _stream.Flush(flushToDisk: true);
        }

        _stream.Seek(0, SeekOrigin.End);
    }

    public string Path { get; }

    public long CompactAfterBytes { get; }

    /// <summary>Bytes of torn or corrupt tail cut off when the file was opened.</summary>
    public long TruncatedBytes { get; }

    /// <summary>Hands the record to the OS (it survives the process dying, not a power cut, until the next sync).</summary>
    public void Append(WalRecord record)
    {
        _stream.Write(WalFraming.Encode(record));
        _stream.Flush(flushToDisk: false);
    }

    public void AppendSync(WalRecord record)
    {
        _stream.Write(WalFraming.Encode(record));
        _stream.Flush(flushToDisk: true);
        if (record.SumCase == WalRecord.SumOneofCase.EndHeight && _stream.Length > CompactAfterBytes)
        {
            Compact(record);
        }
    }

    /// <summary>The records present when the file was opened (a log is read once, at start-up, for replay).</summary>
    public IReadOnlyList<WalRecord> ReadAll() => _recordsAtOpen;

    public void Dispose() => _stream.Dispose();

    private void Compact(WalRecord marker)
    {
        // Safe in place: a crash that leaves the file empty loses only records before this marker,
        // and an empty log at start-up means "nothing of the current height to replay".
        _stream.SetLength(0);
        _stream.Write(WalFraming.Encode(marker));
        _stream.Flush(flushToDisk: true);
    }
}
