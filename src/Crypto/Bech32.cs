namespace Chain.Crypto;

/// <summary>
/// Bech32 as BIP-173 specifies it (the original constant 1, not bech32m). Written here because the
/// packages that offer it come with whole wallet libraries the registry does not carry.
/// </summary>
public static class Bech32
{
    /// <summary>BIP-173's limit on the whole string.</summary>
    public const int MaxLength = 90;

    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        ValidateHrp(hrp);
        var length = hrp.Length + 1 + ((data.Length * 8) + 4) / 5 + 6;
        if (length > MaxLength)
        {
            throw new ArgumentException($"bech32 string would be {length} characters, over the {MaxLength} limit");
        }

        // Every address of every event and query goes through here: no allocation but the string itself.
        Span<byte> values = stackalloc byte[length - hrp.Length - 1];
        var count = ConvertBits(data, 8, 5, pad: true, values);
        var mod = Polymod(hrp, values[..count], trailingZeros: 6) ^ 1;
        for (var i = 0; i < 6; i++)
        {
            values[count + i] = (byte)((mod >> (5 * (5 - i))) & 31);
        }

        Span<char> chars = stackalloc char[length];
        hrp.CopyTo(chars);
        chars[hrp.Length] = '1';
        for (var i = 0; i < count + 6; i++)
        {
            chars[hrp.Length + 1 + i] = Charset[values[i]];
        }

        return new string(chars);
    }

    public static (string Hrp, byte[] Data) Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new FormatException($"bech32 string is {text.Length} characters, over the {MaxLength} limit");
        }

        bool lower = false, upper = false;
        foreach (var c in text)
        {
            if (c < 33 || c > 126)
            {
                throw new FormatException("bech32 string has a character outside US-ASCII 33-126");
            }

            lower |= c is >= 'a' and <= 'z';
            upper |= c is >= 'A' and <= 'Z';
        }

        if (lower && upper)
        {
            throw new FormatException("bech32 string mixes upper and lower case");
        }

        if (upper)
        {
            text = text.ToLowerInvariant();
        }

        var sep = text.LastIndexOf('1');
        if (sep < 1)
        {
            throw new FormatException("bech32 string has no human-readable part before the separator '1'");
        }

        if (sep + 7 > text.Length)
        {
            throw new FormatException("bech32 data part is shorter than the 6-character checksum");
        }

        Span<byte> values = stackalloc byte[text.Length - sep - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var c = text[sep + 1 + i];
            var idx = CharsetIndex[c]; // c is 33-126, checked above
            if (idx < 0)
            {
                throw new FormatException($"bech32 character '{c}' at position {sep + 1 + i} is not in the bech32 alphabet");
            }

            values[i] = (byte)idx;
        }

        var hrp = text.AsSpan(0, sep);
        if (Polymod(hrp, values, trailingZeros: 0) != 1)
        {
            throw new FormatException("bech32 checksum does not match");
        }

        Span<byte> data = stackalloc byte[values.Length];
        var count = ConvertBits(values[..^6], 5, 8, pad: false, data);
        return (hrp.ToString(), data[..count].ToArray());
    }

    private static void ValidateHrp(string hrp)
    {
        if (hrp.Length is < 1 or > 83)
        {
            throw new ArgumentException("bech32 human-readable part must be 1 to 83 characters", nameof(hrp));
        }

        foreach (var c in hrp)
        {
            if (c < 33 || c > 126 || c is >= 'A' and <= 'Z')
            {
                throw new ArgumentException("bech32 human-readable part must be lower-case US-ASCII 33-126", nameof(hrp));
            }
        }
    }

    /// <summary>Each US-ASCII character's value in <see cref="Charset"/>, or -1.</summary>
    private static ReadOnlySpan<sbyte> CharsetIndex =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        15, -1, 10, 17, 21, 20, 26, 30, 7, 5, -1, -1, -1, -1, -1, -1,
        -1, 29, -1, 24, 13, 25, 9, 8, 23, -1, 18, 22, 31, 27, 19, -1,
        1, 0, 3, 16, 11, 28, 12, 14, 6, 4, 2, -1, -1, -1, -1, -1,
        -1, 29, -1, 24, 13, 25, 9, 8, 23, -1, 18, 22, 31, 27, 19, -1,
        1, 0, 3, 16, 11, 28, 12, 14, 6, 4, 2, -1, -1, -1, -1, -1,
    ];

    /// <summary>BIP-173's checksum over the expanded human-readable part, the values and <paramref name="trailingZeros"/> zero values.</summary>
    private static uint Polymod(ReadOnlySpan<char> hrp, ReadOnlySpan<byte> values, int trailingZeros)
    {
        uint chk = 1;
        foreach (var c in hrp)
        {
            chk = Step(chk, (byte)(c >> 5));
        }

        chk = Step(chk, 0);
        foreach (var c in hrp)
        {
            chk = Step(chk, (byte)(c & 31));
        }

        foreach (var v in values)
        {
            chk = Step(chk, v);
        }

        for (var i = 0; i < trailingZeros; i++)
        {
            chk = Step(chk, 0);
        }

        return chk;
    }

    private static uint Step(uint chk, byte value)
    {
        var top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        // The generator's five constants, each applied when its bit of the top is set, without a branch.
        chk ^= 0x3b6a57b2u & (0u - (top & 1));
        chk ^= 0x26508e6du & (0u - ((top >> 1) & 1));
        chk ^= 0x1ea119fau & (0u - ((top >> 2) & 1));
        chk ^= 0x3d4233ddu & (0u - ((top >> 3) & 1));
        chk ^= 0x2a1462b3u & (0u - ((top >> 4) & 1));
        return chk;
    }

    /// <summary>Regroups <paramref name="from"/>-bit values into <paramref name="to"/>-bit values in <paramref name="result"/>; returns how many.</summary>
    private static int ConvertBits(ReadOnlySpan<byte> data, int from, int to, bool pad, Span<byte> result)
    {
        var acc = 0;
        var bits = 0;
        var maxv = (1 << to) - 1;
        var count = 0;
        foreach (var value in data)
        {
            if ((value >> from) != 0)
            {
                throw new FormatException("bech32 value out of range");
            }

            acc = ((acc << from) | value) & 0xfff; // at most from + to - 1 bits are ever pending
            bits += from;
            while (bits >= to)
            {
                bits -= to;
                result[count++] = (byte)((acc >> bits) & maxv);
            }
        }

        if (pad)
        {
            if (bits > 0)
            {
                result[count++] = (byte)((acc << (to - bits)) & maxv);
            }
        }
        else if (bits >= from || ((acc << (to - bits)) & maxv) != 0)
        {
            throw new FormatException("bech32 data has non-zero or excess padding");
        }

        return count;
    }
}
