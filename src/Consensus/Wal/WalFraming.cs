using System.Buffers;
using System.Buffers.Binary;
using Chain.Proto.Consensus;
using Google.Protobuf;

namespace Chain.Consensus.Wal;

/// <summary>
/// The on-disk framing of WAL records: a 4-byte little-endian payload length, the first 8 bytes of
/// SHA-256(payload) as a checksum, then the payload (a serialized <see cref="WalRecord"/>).
/// </summary>
public static class WalFraming
{
    public const int HeaderSize = 12;

    /// <summary>A record is never longer than this; a larger length is treated as corruption.</summary>
    public const int MaxPayloadSize = 64 * 1024 * 1024;

    public static byte[] Encode(WalRecord record)
    {
        byte[] frame = new byte[FrameSize(record)];
        EncodeInto(record, frame);
        return frame;
    }

    /// <summary>The bytes <paramref name="record"/> takes framed: header and payload. Throws past <see cref="MaxPayloadSize"/>.</summary>
    public static int FrameSize(WalRecord record)
    {
        int size = record.CalculateSize();
        if (size > MaxPayloadSize)
        {
            throw new ArgumentException($"WAL record of {size} bytes exceeds the {MaxPayloadSize}-byte limit", nameof(record));
        }

        return HeaderSize + size;
    }

    /// <summary>
    /// Writes <paramref name="record"/>'s frame into <paramref name="frame"/>, exactly <see cref="FrameSize"/> bytes long.
    /// The record is written straight into the frame: a proposal carries its whole block, and a second copy of it was
    /// the WAL's largest allocation.
    /// </summary>
    public static void EncodeInto(WalRecord record, Span<byte> frame)
    {
        Span<byte> payload = frame[HeaderSize..];
        record.WriteTo(payload);
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        Span<byte> checksum = stackalloc byte[Chain.Crypto.Hashes.Sha256Size];
        Chain.Crypto.Hashes.Sha256(payload, checksum);
        checksum[..8].CopyTo(frame[4..]);
    }

    /// <summary>Decodes records from the start of <paramref name="data"/> until the first torn or corrupt
    /// one; <paramref name="validLength"/> is where the intact prefix ends.</summary>
    public static List<WalRecord> Decode(ReadOnlySpan<byte> data, out long validLength)
    {
        var records = new List<WalRecord>();
        int offset = 0;
        while (data.Length - offset >= HeaderSize)
        {
            ReadOnlySpan<byte> header = data.Slice(offset, HeaderSize);
            int length = PayloadLength(header, data.Length - offset - HeaderSize);
            if (length < 0 || Parse(header, data.Slice(offset + HeaderSize, length)) is not { } record)
            {
                break;
            }

            records.Add(record);
            offset += HeaderSize + length;
        }

        validLength = offset;
        return records;
    }

    /// <summary>
    /// Reads the next record from <paramref name="stream"/>, which has <paramref name="available"/> bytes left: null at
    /// the end or at a torn or corrupt record (the stream's position is then undefined). Reads the header first and
    /// allocates for the payload only once its length is within <see cref="MaxPayloadSize"/> and the bytes left.
    /// </summary>
    public static WalRecord? Read(Stream stream, long available, out int frameLength)
    {
        frameLength = 0;
        if (available < HeaderSize)
        {
            return null;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        stream.ReadExactly(header);
        int length = PayloadLength(header, available - HeaderSize);
        if (length < 0)
        {
            return null;
        }

        byte[] payload = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            stream.ReadExactly(payload, 0, length);
            WalRecord? record = Parse(header, payload.AsSpan(0, length));
            frameLength = record is null ? 0 : HeaderSize + length;
            return record;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>The payload length the header announces, or -1 when it is negative, above <see cref="MaxPayloadSize"/>
    /// or more than the <paramref name="available"/> bytes after the header (a torn or corrupt record).</summary>
    private static int PayloadLength(ReadOnlySpan<byte> header, long available)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length < 0 || length > MaxPayloadSize || length > available ? -1 : length;
    }

    /// <summary>The record, or null when the checksum does not match or the payload does not parse.</summary>
    private static WalRecord? Parse(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[32];
        Chain.Crypto.Hashes.Sha256(payload, hash);
        if (!hash[..8].SequenceEqual(header.Slice(4, 8)))
        {
            return null;
        }

        try
        {
            return WalRecord.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
