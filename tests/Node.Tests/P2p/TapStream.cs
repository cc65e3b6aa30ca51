namespace Chain.Node.Tests.P2p;

/// <summary>Passes everything through to a stream and keeps a copy of each write, so a test can replay or alter one.</summary>
internal sealed class TapStream : Stream
{
    private readonly Stream _inner;
    private readonly List<byte[]> _writes = [];

    public TapStream(Stream inner) => _inner = inner;

    public Stream Inner => _inner;

    /// <summary>When set, what is written instead of each write (the original is still recorded).</summary>
    public Func<byte[], byte[]>? Alter { get; set; }

    public IReadOnlyList<byte[]> Writes
    {
        get
        {
            lock (_writes)
            {
                return [.. _writes];
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var bytes = buffer.ToArray();
        Record(bytes);
        return _inner.WriteAsync(Alter is { } alter ? alter(bytes) : bytes, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Record(ReadOnlySpan<byte> bytes)
    {
        lock (_writes)
        {
            _writes.Add(bytes.ToArray());
        }
    }
}
