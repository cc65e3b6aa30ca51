using System.Buffers;
using Google.Protobuf;

namespace Chain.State.Transactions;

/// <summary>
/// The canonical-encoding check of txs and their messages (the decoder's and the gentx loader's): bytes are accepted only
/// if the message they parsed to serializes back to exactly them, which refuses unknown fields and any second encoding.
/// </summary>
public static class CanonicalEncoding
{
    /// <summary>Whether <paramref name="message"/> serializes to exactly <paramref name="bytes"/>, written into a pooled buffer.</summary>
    public static bool Matches(IMessage message, ReadOnlySpan<byte> bytes)
    {
        if (message.CalculateSize() != bytes.Length)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
        try
        {
            var encoded = buffer.AsSpan(0, bytes.Length);
            message.WriteTo(encoded);
            return encoded.SequenceEqual(bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
