using System.Buffers.Binary;

namespace Chain.Node.P2p.Transport;

/// <summary>
/// The sealed frame of a secret connection: a 4-byte big-endian length of the body, then the body,
/// which is the ChaCha20-Poly1305 ciphertext of the payload followed by its 16-byte tag. The
/// length bytes are the associated data, so a changed length fails authentication too. The
/// nonce is 4 zero bytes and a 64-bit little-endian counter per direction, starting at 0.
/// </summary>
public static class FrameFormat
{
    public const int HeaderSize = 4;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const int KeySize = 32;

    /// <summary>Most plaintext bytes in one frame; longer writes are split.</summary>
    public const int MaxPayloadSize = 64 * 1024;

    public const int MaxBodySize = MaxPayloadSize + TagSize;

    public const int MaxFrameSize = HeaderSize + MaxBodySize;

    /// <summary>Bytes a frame with <paramref name="payloadLength"/> bytes of plaintext takes on the wire.</summary>
    public static int FrameSize(int payloadLength) => HeaderSize + payloadLength + TagSize;

    /// <summary>The body length a header announces, when it is within 16 and <paramref name="maxBodySize"/>.</summary>
    public static bool TryReadBodyLength(ReadOnlySpan<byte> header, out int bodyLength, int maxBodySize = MaxBodySize)
    {
        bodyLength = 0;
        if (header.Length < HeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length < TagSize || length > (uint)maxBodySize)
        {
            return false;
        }

        bodyLength = (int)length;
        return true;
    }

    internal static void WriteNonce(ulong counter, Span<byte> nonce)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], counter);
    }
}
