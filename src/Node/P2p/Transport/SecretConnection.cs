using System.Security.Cryptography;
using System.Text;
using Chain.Crypto;
using Chain.Node.P2p.Identity;
using Chain.Proto.P2p;
using Google.Protobuf;

namespace Chain.Node.P2p.Transport;

/// <summary>
/// An authenticated, encrypted connection over a byte stream (TCP), as a <see cref="Stream"/>.
/// Handshake: each side sends a fresh ephemeral secp256k1 public key (33 bytes); ECDH gives a
/// shared secret; HKDF-SHA256 over it, salted with the transcript hash of both ephemeral keys in
/// byte order, gives one ChaCha20-Poly1305 key per direction and a challenge; then each side
/// sends, in a sealed frame, its static node public key, its signature over
/// SHA-256(transcript hash || challenge), and its <see cref="NodeInfo"/>. After that every byte
/// travels in sealed frames (<see cref="FrameFormat"/>); a frame that fails authentication closes
/// the connection. Written here because no package in the registry does this over secp256k1.
/// </summary>
public sealed class SecretConnection : Stream
{
    /// <summary>Largest sealed body accepted for the authentication frame.</summary>
    public const int MaxAuthBodySize = 4096 + FrameFormat.TagSize;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("chain/p2p/secret-connection/v1");

    private readonly Stream _transport;
    private readonly FrameSealer _sealer;
    private readonly FrameOpener _opener;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly byte[] _writeBuffer = new byte[FrameFormat.MaxFrameSize];
    private readonly byte[] _readHeader = new byte[FrameFormat.HeaderSize];
    private readonly byte[] _readBody = new byte[FrameFormat.MaxBodySize];
    private readonly byte[] _plain = new byte[FrameFormat.MaxPayloadSize];
    private long _lastReceived = Environment.TickCount64;
    private int _plainStart;
    private int _plainEnd;
    private int _disposed;

    private SecretConnection(Stream transport, FrameSealer sealer, FrameOpener opener, byte[] remotePublicKey, NodeInfo remoteInfo)
    {
        _transport = transport;
        _sealer = sealer;
        _opener = opener;
        RemotePublicKey = remotePublicKey;
        RemoteId = NodeId.FromPublicKey(remotePublicKey);
        RemoteInfo = remoteInfo;
    }

    /// <summary>The remote's 33-byte node public key, proven by its signature.</summary>
    public byte[] RemotePublicKey { get; }

    /// <summary>The address of <see cref="RemotePublicKey"/>.</summary>
    public NodeId RemoteId { get; }

    public NodeInfo RemoteInfo { get; }

    /// <summary>When the last frame arrived (<see cref="Environment.TickCount64"/>); the handshake's end before any.</summary>
    public long LastReceivedTicks => Volatile.Read(ref _lastReceived);

    /// <summary>
    /// Sends an empty sealed frame: it carries no bytes to the reader but tells the remote this side is alive (see
    /// <see cref="LastReceivedTicks"/>). Frames are whole on the wire, so a ping between a multiplexer's writes changes nothing.
    /// </summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            var size = _sealer.Seal([], _writeBuffer);
            await _transport.WriteAsync(_writeBuffer.AsMemory(0, size), ct);
            await _transport.FlushAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Runs the handshake over <paramref name="transport"/>; the connection owns the transport from
    /// then on. Throws <see cref="HandshakeException"/> (and disposes the transport) when the remote
    /// sends something that is not a valid handshake, proves a different id than
    /// <paramref name="expectedRemoteId"/>, or does not finish within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<SecretConnection> HandshakeAsync(
        Stream transport,
        PrivateKey nodeKey,
        NodeInfo localInfo,
        NodeId? expectedRemoteId,
        TimeSpan timeout,
        CancellationToken ct)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        FrameSealer? sealer = null;
        FrameOpener? opener = null;
        try
        {
            var token = timeoutSource.Token;
            var ephemeral = PrivateKey.Generate();
            await transport.WriteAsync(ephemeral.PublicKey, token);
            await transport.FlushAsync(token);

            var remoteEphemeral = new byte[Secp256k1.CompressedPublicKeySize];
            await ReadHandshakeBytesAsync(transport, remoteEphemeral, token);
            if (!Secp256k1.IsValidPublicKey(remoteEphemeral))
            {
                throw new HandshakeException("the remote's ephemeral key is not a compressed secp256k1 public key");
            }

            var order = ephemeral.PublicKey.AsSpan().SequenceCompareTo(remoteEphemeral);
            if (order == 0)
            {
                throw new HandshakeException("the remote sent back our own ephemeral key");
            }

            var (low, high) = order < 0 ? (ephemeral.PublicKey, remoteEphemeral) : (remoteEphemeral, ephemeral.PublicKey);
            var transcript = Hashes.Sha256([.. Label, .. low, .. high]);
            var shared = ephemeral.SharedSecret(remoteEphemeral);
            var okm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 3 * FrameFormat.KeySize, transcript, Label);
            var lowKey = okm.AsSpan(0, FrameFormat.KeySize);
            var highKey = okm.AsSpan(FrameFormat.KeySize, FrameFormat.KeySize);
            var challenge = okm.AsSpan(2 * FrameFormat.KeySize, FrameFormat.KeySize);
            sealer = new FrameSealer(order < 0 ? lowKey : highKey);
            opener = new FrameOpener(order < 0 ? highKey : lowKey);
            var signed = SignedHash(transcript, challenge);
            CryptographicOperations.ZeroMemory(okm);
            CryptographicOperations.ZeroMemory(shared);

            var auth = new AuthMessage
            {
                NodePublicKey = ByteString.CopyFrom(nodeKey.PublicKey),
                Signature = ByteString.CopyFrom(nodeKey.Sign(signed)),
                NodeInfo = localInfo,
            };
            var authBytes = auth.ToByteArray();
            if (authBytes.Length + FrameFormat.TagSize > MaxAuthBodySize)
            {
                throw new ArgumentException($"the node info is too long ({authBytes.Length} bytes)", nameof(localInfo));
            }

            var frame = new byte[FrameFormat.FrameSize(authBytes.Length)];
            sealer.Seal(authBytes, frame);
            await transport.WriteAsync(frame, token);
            await transport.FlushAsync(token);

            var header = new byte[FrameFormat.HeaderSize];
            await ReadHandshakeBytesAsync(transport, header, token);
            if (!FrameFormat.TryReadBodyLength(header, out var bodyLength, MaxAuthBodySize))
            {
                throw new HandshakeException($"the remote's authentication frame announces a length outside 16 to {MaxAuthBodySize} bytes");
            }

            var body = new byte[bodyLength];
            await ReadHandshakeBytesAsync(transport, body, token);
            var plain = new byte[bodyLength - FrameFormat.TagSize];
            if (!opener.TryOpen(header, body, plain))
            {
                throw new HandshakeException("the remote's authentication frame failed authentication");
            }

            AuthMessage remoteAuth;
            try
            {
                remoteAuth = AuthMessage.Parser.ParseFrom(plain);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new HandshakeException("the remote's authentication message does not parse", inner: e);
            }

            var remoteKey = remoteAuth.NodePublicKey.ToByteArray();
            if (!Secp256k1.IsValidPublicKey(remoteKey))
            {
                throw new HandshakeException("the remote's node key is not a compressed secp256k1 public key");
            }

            var remoteId = NodeId.FromPublicKey(remoteKey);
            if (!PublicKey.Verify(remoteKey, signed, remoteAuth.Signature.Span))
            {
                throw new HandshakeException($"node {remoteId} did not sign the handshake challenge with its node key", remoteId);
            }

            if (remoteAuth.NodeInfo is null)
            {
                throw new HandshakeException($"node {remoteId} sent no node info", remoteId);
            }

            if (expectedRemoteId is { } expected && expected != remoteId)
            {
                throw new HandshakeException($"the peer is node {remoteId}, expected {expected}", remoteId);
            }

            return new SecretConnection(transport, sealer, opener, remoteKey, remoteAuth.NodeInfo);
        }
        catch (Exception e)
        {
            sealer?.Dispose();
            opener?.Dispose();
            await transport.DisposeAsync();
            if (e is HandshakeException)
            {
                throw;
            }

            if (e is OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new HandshakeException($"the handshake did not finish within {timeout.TotalSeconds:0.###} s", inner: e);
            }

            if (e is IOException or ObjectDisposedException)
            {
                throw new HandshakeException($"the connection failed during the handshake: {e.Message}", inner: e);
            }

            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        await _readLock.WaitAsync(cancellationToken);
        try
        {
            // A frame may carry no bytes; only the end of the stream returns 0.
            while (_plainStart == _plainEnd)
            {
                if (!await ReadFrameAsync(cancellationToken))
                {
                    return 0;
                }
            }

            var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
            _plain.AsSpan(_plainStart, n).CopyTo(buffer.Span);
            _plainStart += n;
            return n;
        }
        finally
        {
            _readLock.Release();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            while (buffer.Length > 0)
            {
                var chunk = buffer[..Math.Min(buffer.Length, FrameFormat.MaxPayloadSize)];
                var size = _sealer.Seal(chunk.Span, _writeBuffer);
                await _transport.WriteAsync(_writeBuffer.AsMemory(0, size), cancellationToken);
                buffer = buffer[chunk.Length..];
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _transport.FlushAsync(cancellationToken);

    public override void Flush() => _transport.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _transport.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _transport.Dispose();
        }

        base.Dispose(disposing);
    }

    private static byte[] SignedHash(ReadOnlySpan<byte> transcript, ReadOnlySpan<byte> challenge) => Hashes.Sha256([.. transcript, .. challenge]);

    private static async Task ReadHandshakeBytesAsync(Stream transport, Memory<byte> buffer, CancellationToken ct)
    {
        var read = await transport.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (read < buffer.Length)
        {
            throw new HandshakeException($"the remote closed the connection during the handshake ({read} of {buffer.Length} bytes)");
        }
    }

    /// <summary>Reads and opens the next frame into the plaintext buffer; false at a clean end of stream.</summary>
    private async ValueTask<bool> ReadFrameAsync(CancellationToken ct)
    {
        try
        {
            var read = await _transport.ReadAtLeastAsync(_readHeader, FrameFormat.HeaderSize, throwOnEndOfStream: false, ct);
            if (read == 0)
            {
                return false;
            }

            if (read < FrameFormat.HeaderSize)
            {
                throw new FrameException("the connection ended inside a frame header");
            }

            if (!FrameFormat.TryReadBodyLength(_readHeader, out var length))
            {
                throw new FrameException($"a frame announces a length outside {FrameFormat.TagSize} to {FrameFormat.MaxBodySize} bytes");
            }

            read = await _transport.ReadAtLeastAsync(_readBody.AsMemory(0, length), length, throwOnEndOfStream: false, ct);
            if (read < length)
            {
                throw new FrameException($"the connection ended inside a frame ({read} of {length} bytes)");
            }

            if (!_opener.TryOpen(_readHeader, _readBody.AsSpan(0, length), _plain))
            {
                throw new FrameException($"frame {_opener.Counter} failed authentication (replayed, reordered or altered)");
            }

            _plainStart = 0;
            _plainEnd = length - FrameFormat.TagSize;
            Volatile.Write(ref _lastReceived, Environment.TickCount64);
            return true;
        }
        catch (FrameException)
        {
            await DisposeAsync();
            throw;
        }
    }
}
