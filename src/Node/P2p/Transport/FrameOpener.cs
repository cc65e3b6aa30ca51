using System.Security.Cryptography;

namespace Chain.Node.P2p.Transport;

/// <summary>
/// Opens the frames of one direction of a secret connection (see <see cref="FrameFormat"/>). The
/// counter moves only on success, so a replayed, reordered, cut or altered frame fails. Not thread-safe.
/// </summary>
public sealed class FrameOpener : IDisposable
{
    private readonly ChaCha20Poly1305 _aead;
    private ulong _counter;

    public FrameOpener(ReadOnlySpan<byte> key)
    {
        if (key.Length != FrameFormat.KeySize)
        {
            throw new ArgumentException($"a frame key is {FrameFormat.KeySize} bytes", nameof(key));
        }

        _aead = new ChaCha20Poly1305(key);
    }

    /// <summary>Frames opened so far (the next expected nonce counter).</summary>
    public ulong Counter => _counter;

    /// <summary>
    /// Authenticates and decrypts the frame made of <paramref name="header"/> and <paramref name="body"/>
    /// into <paramref name="payload"/> (body length - 16 bytes); false when it does not authenticate.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, Span<byte> payload)
    {
        if (header.Length != FrameFormat.HeaderSize
            || !FrameFormat.TryReadBodyLength(header, out var length)
            || length != body.Length
            || payload.Length < body.Length - FrameFormat.TagSize
            || _counter == ulong.MaxValue)
        {
            return false;
        }

        var plainLength = body.Length - FrameFormat.TagSize;
        Span<byte> nonce = stackalloc byte[FrameFormat.NonceSize];
        FrameFormat.WriteNonce(_counter, nonce);
        try
        {
            _aead.Decrypt(nonce, body[..plainLength], body[plainLength..], payload[..plainLength], header);
        }
        catch (AuthenticationTagMismatchException)
        {
            payload[..plainLength].Clear();
            return false;
        }

        _counter++;
        return true;
    }

    /// <summary>Opens a whole frame (header then body); false when it is cut short, too long or does not authenticate.</summary>
    public bool TryOpen(ReadOnlySpan<byte> frame, out byte[] payload)
    {
        payload = [];
        if (!FrameFormat.TryReadBodyLength(frame, out var length) || frame.Length != FrameFormat.HeaderSize + length)
        {
            return false;
        }

        var plain = new byte[length - FrameFormat.TagSize];
        if (!TryOpen(frame[..FrameFormat.HeaderSize], frame[FrameFormat.HeaderSize..], plain))
        {
            return false;
        }

        payload = plain;
        return true;
    }

    public void Dispose() => _aead.Dispose();
}
