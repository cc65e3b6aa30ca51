using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chain.Node.P2p.Transport;

/// <summary>Seals the frames of one direction of a secret connection (see <see cref="FrameFormat"/>). Not thread-safe.</summary>
public sealed class FrameSealer : IDisposable
{
    private readonly ChaCha20Poly1305 _aead;
    private ulong _counter;

    public FrameSealer(ReadOnlySpan<byte> key)
    {
        if (key.Length != FrameFormat.KeySize)
        {
            throw new ArgumentException($"a frame key is {FrameFormat.KeySize} bytes", nameof(key));
        }

        _aead = new ChaCha20Poly1305(key);
    }

    /// <summary>Frames sealed so far (the next nonce counter).</summary>
    public ulong Counter => _counter;

    /// <summary>Writes the frame of <paramref name="payload"/> to <paramref name="destination"/>; returns its size.</summary>
    public int Seal(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (payload.Length > FrameFormat.MaxPayloadSize)
        {
            throw new ArgumentException($"a frame holds at most {FrameFormat.MaxPayloadSize} bytes, got {payload.Length}", nameof(payload));
        }

        var size = FrameFormat.FrameSize(payload.Length);
        if (destination.Length < size)
        {
            throw new ArgumentException($"the frame needs {size} bytes, the destination has {destination.Length}", nameof(destination));
        }

        if (_counter == ulong.MaxValue)
        {
            throw new CryptographicException("frame counter exhausted; reconnect");
        }

        var header = destination[..FrameFormat.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(payload.Length + FrameFormat.TagSize));
        Span<byte> nonce = stackalloc byte[FrameFormat.NonceSize];
        FrameFormat.WriteNonce(_counter, nonce);
        var body = destination[FrameFormat.HeaderSize..size];
        _aead.Encrypt(nonce, payload, body[..payload.Length], body[payload.Length..], header);
        _counter++;
        return size;
    }

    public void Dispose() => _aead.Dispose();
}
