using System.Buffers.Binary;
using System.Security.Cryptography;
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
        byte[] payload = record.ToByteArray();
        if (payload.Length > MaxPayloadSize)
        {
            throw new ArgumentException($"WAL record of {payload.Length} bytes exceeds the {MaxPayloadSize}-byte limit", nameof(record));
        }

        byte[] frame = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        SHA256.HashData(payload).AsSpan(0, 8).CopyTo(frame.AsSpan(4));
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>Decodes records from the start of <paramref name="data"/> until the first torn or corrupt
    /// one; <paramref name="validLength"/> is where the intact prefix ends.</summary>
    public static List<WalRecord> Decode(ReadOnlySpan<byte> data, out long validLength)
    {
        var records = new List<WalRecord>();
        int offset = 0;
        Span<byte> hash = stackalloc byte[32];
        while (data.Length - offset >= HeaderSize)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            if (length < 0 || length > MaxPayloadSize || data.Length - offset - HeaderSize < length)
            {
                break;
            }

            ReadOnlySpan<byte> payload = data.Slice(offset + HeaderSize, length);
            SHA256.HashData(payload, hash);
            if (!hash[..8].SequenceEqual(data.Slice(offset + 4, 8)))
            {
                break;
            }

            WalRecord record;
            try
            {
                record = WalRecord.Parser.ParseFrom(payload);
            }
            catch (InvalidProtocolBufferException)
            {
                break;
            }

            records.Add(record);
            offset += HeaderSize + length;
        }

        validLength = offset;
        return records;
    }
}
