using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Chain.Node.P2p.Channels;

/// <summary>
/// Length-delimited protobuf on a channel: a varint byte count (at most 5 bytes, below 2^31),
/// then the message. The reader checks the count against the channel's limit, allocates only as
/// the message's bytes arrive, and copies them out so the channel's window keeps moving.
/// </summary>
public static class DelimitedMessage
{
    public const int MaxPrefixSize = 5;

    /// <summary>Bytes allocated for a message before more of it arrives; the buffer doubles as the rest comes.</summary>
    public const int FirstChunkSize = 64 * 1024;

    /// <summary>The varint length followed by the serialized <paramref name="message"/>.</summary>
    public static byte[] Encode(IMessage message)
    {
        var size = message.CalculateSize();
        var output = new byte[CodedOutputStream.ComputeLengthSize(size) + size];
        var stream = new CodedOutputStream(output);
        stream.WriteLength(size);
        message.WriteTo(stream);
        stream.CheckNoSpaceLeft();
        return output;
    }

    /// <summary>
    /// Reads the length prefix at the start of <paramref name="buffer"/>: null when more bytes are
    /// needed, false when it is malformed, true with the length and the prefix size otherwise.
    /// </summary>
    public static bool? TryReadLength(ReadOnlySequence<byte> buffer, out int length, out int prefixSize)
    {
        length = 0;
        prefixSize = 0;
        var reader = new SequenceReader<byte>(buffer);
        ulong value = 0;
        for (var i = 0; i < MaxPrefixSize; i++)
        {
            if (!reader.TryRead(out var b))
            {
                return null;
            }

            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (value > int.MaxValue || (i > 0 && b == 0))
                {
                    return false;
                }

                length = (int)value;
                prefixSize = i + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the next message of at most <paramref name="maxBytes"/> bytes from <paramref name="reader"/>. With a
    /// <paramref name="pool"/>, the message's array is rented from it and may be longer than the message (its first
    /// Length bytes are the message); the caller returns it once the message is parsed. A receive loop parses each
    /// message at once, so a block of hundreds of KB costs no array of its own.
    /// </summary>
    public static async ValueTask<(DelimitedReadStatus Status, byte[] Message, int Length)> ReadAsync(
        PipeReader reader, int maxBytes, CancellationToken ct, ArrayPool<byte>? pool = null)
    {
        int length;
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var parsed = TryReadLength(buffer, out length, out var prefixSize);
            if (parsed == false)
            {
                reader.AdvanceTo(buffer.Start);
                return (DelimitedReadStatus.Malformed, [], 0);
            }

            if (parsed == true)
            {
                if (length > maxBytes)
                {
                    reader.AdvanceTo(buffer.Start);
                    return (DelimitedReadStatus.Oversized, [], length);
                }

                reader.AdvanceTo(buffer.GetPosition(prefixSize));
                break;
            }

            if (result.IsCompleted)
            {
                var status = buffer.IsEmpty ? DelimitedReadStatus.End : DelimitedReadStatus.Malformed;
                reader.AdvanceTo(buffer.End);
                return (status, [], 0);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        // The prefix is only the peer's word: the buffer grows with the bytes that arrive, never ahead of them by more
        // than it already holds, so an announced message that never comes costs what was sent, not what was announced.
        var message = Allocate(Math.Min(length, FirstChunkSize), pool);
        var filled = 0;
        try
        {
            while (filled < length)
            {
                var result = await reader.ReadAsync(ct);
                var buffer = result.Buffer;
                var take = (int)Math.Min(buffer.Length, length - filled);
                if (filled + take > message.Length)
                {
                    var larger = Allocate((int)Math.Min(length, Math.Max(filled + take, 2L * message.Length)), pool);
                    message.AsSpan(0, filled).CopyTo(larger);
                    pool?.Return(message);
                    message = larger;
                }

                buffer.Slice(0, take).CopyTo(message.AsSpan(filled));
                filled += take;
                reader.AdvanceTo(buffer.GetPosition(take));
                if (filled < length && result.IsCompleted)
                {
                    pool?.Return(message);
                    return (DelimitedReadStatus.Malformed, [], length);
                }
            }
        }
        catch
        {
            pool?.Return(message);
            throw;
        }

        return (DelimitedReadStatus.Message, message, length);
    }

    private static byte[] Allocate(int length, ArrayPool<byte>? pool) => pool is null ? new byte[length] : pool.Rent(length);
}
