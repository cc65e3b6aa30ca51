namespace Chain.Crypto;

/// <summary>
/// The multiformats unsigned varint: LEB128, at most 9 bytes (63 bits), minimally encoded.
/// </summary>
public static class UnsignedVarint
{
    public const int MaxLength = 9;

    public static int Write(ulong value, Span<byte> destination)
    {
        if (value >= 1UL << 63)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "unsigned varint holds at most 63 bits");
        }

        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads one varint; throws <see cref="FormatException"/> for truncated, overlong or non-minimal input.</summary>
    public static ulong Read(ReadOnlySpan<byte> source, out int bytesRead)
    {
        ulong value = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            if (i >= source.Length)
            {
                throw new FormatException("varint is truncated");
            }

            var b = source[i];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    throw new FormatException("varint is not minimally encoded");
                }

                bytesRead = i + 1;
                return value;
            }
        }

        throw new FormatException($"varint is longer than {MaxLength} bytes");
    }
}
