using System.Buffers;
using Chain.Proto.Consensus;

namespace Chain.Consensus.Wal;

/// <summary>
/// The WAL in one file (framing in <see cref="WalFraming"/>). Opening it reads the file as a stream, record by record,
/// keeping only the last end-of-height marker and the records after it (all that replay needs), so memory at start is
/// one height's records however large the file; it cuts off a torn or corrupt tail (a record half-written when the
/// process died, or one whose length is beyond <see cref="WalFraming.MaxPayloadSize"/>). When an end-of-height marker
/// is synced and the file has grown past <see cref="CompactAfterBytes"/>, the file is cut back to that marker alone.
/// </summary>
public sealed class FileWriteAheadLog : IWriteAheadLog, IDisposable
{
    private readonly FileStream _stream;
    private readonly List<WalRecord> _recordsAtOpen = new();

    public FileWriteAheadLog(string path, long compactAfterBytes = 64L * 1024 * 1024)
    {
        Path = path;
        CompactAfterBytes = compactAfterBytes;
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        long length = _stream.Length;
        long valid = 0;
        while (WalFraming.Read(_stream, length - valid, out int frameLength) is { } record)
        {
            if (record.SumCase == WalRecord.SumOneofCase.EndHeight)
            {
                _recordsAtOpen.Clear(); // replay never needs anything before the last marker
            }

            _recordsAtOpen.Add(record);
            valid += frameLength;
        }

        TruncatedBytes = length - valid;
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
        Write(record);
        _stream.Flush(flushToDisk: false);
    }

    public void AppendSync(WalRecord record)
    {
        Write(record);
        _stream.Flush(flushToDisk: true);
        if (record.SumCase == WalRecord.SumOneofCase.EndHeight && _stream.Length > CompactAfterBytes)
        {
            Compact(record);
        }
    }

    /// <summary>The records present when the file was opened from the last end-of-height marker on (all of them when
    /// there is none); a log is read once, at start-up, for replay.</summary>
    public IReadOnlyList<WalRecord> ReadAll() => _recordsAtOpen;

    public void Dispose() => _stream.Dispose();

    /// <summary>Frames the record in a pooled buffer and writes it: a proposal's frame holds its whole block.</summary>
    private void Write(WalRecord record)
    {
        int size = WalFraming.FrameSize(record);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            WalFraming.EncodeInto(record, buffer.AsSpan(0, size));
            _stream.Write(buffer, 0, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Compact(WalRecord marker)
    {
        // Safe in place: a crash that leaves the file empty loses only records before this marker,
        // and an empty log at start-up means "nothing of the current height to replay".
        _stream.SetLength(0);
        _stream.Write(WalFraming.Encode(marker));
        _stream.Flush(flushToDisk: true);
    }
}
