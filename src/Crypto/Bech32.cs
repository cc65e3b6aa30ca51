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
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        ValidateHrp(hrp);
        var values = ConvertBits(data, 8, 5, pad: true);
        var checksum = CreateChecksum(hrp, values);
        var chars = new char[hrp.Length + 1 + values.Length + 6];
        hrp.CopyTo(0, chars, 0, hrp.Length);
        chars[hrp.Length] = '1';
        var pos = hrp.Length + 1;
        foreach (var v in values)
        {
            chars[pos++] = Charset[v];
        }

        foreach (var v in checksum)
        {
            chars[pos++] = Charset[v];
        }

        if (chars.Length > MaxLength)
        {
            throw new ArgumentException($"bech32 string would be {chars.Length} characters, over the {MaxLength} limit");
        }

        return new string(chars);
    }

    /// <summary>Decodes to the human-readable part (lower case) and the 8-bit data. Throws <see cref="FormatException"/> only.</summary>
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

        text = text.ToLowerInvariant();
        var sep = text.LastIndexOf('1');
        if (sep < 1)
        {
            throw new FormatException("bech32 string has no human-readable part before the separator '1'");
        }

        if (sep + 7 > text.Length)
        {
            throw new FormatException("bech32 data part is shorter than the 6-character checksum");
        }

        var hrp = text[..sep];
        var values = new byte[text.Length - sep - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var idx = Charset.IndexOf(text[sep + 1 + i], StringComparison.Ordinal);
            if (idx < 0)
            {
                throw new FormatException($"bech32 character '{text[sep + 1 + i]}' at position {sep + 1 + i} is not in the bech32 alphabet");
            }

            values[i] = (byte)idx;
        }

        if (Polymod(hrp, values) != 1)
        {
            throw new FormatException("bech32 checksum does not match");
        }

        var data = ConvertBits(values.AsSpan(0, values.Length - 6), 5, 8, pad: false);
        return (hrp, data);
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

    private static uint Polymod(string hrp, ReadOnlySpan<byte> values)
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

        return chk;
    }

    private static uint Step(uint chk, byte value)
    {
        var top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (var i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                chk ^= Generator[i];
            }
        }

        return chk;
    }

    private static byte[] CreateChecksum(string hrp, ReadOnlySpan<byte> values)
    {
        var buffer = new byte[values.Length + 6];
        values.CopyTo(buffer);
        var mod = Polymod(hrp, buffer) ^ 1;
        var result = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            result[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        }

        return result;
    }

    private static byte[] ConvertBits(ReadOnlySpan<byte> data, int from, int to, bool pad)
    {
        var acc = 0;
        var bits = 0;
        var maxv = (1 << to) - 1;
        var result = new List<byte>(data.Length * from / to + 1);
        foreach (var value in data)
        {
            if ((value >> from) != 0)
            {
                throw new FormatException("bech32 value out of range");
            }

            acc = (acc << from) | value;
            bits += from;
            while (bits >= to)
            {
                bits -= to;
                result.Add((byte)((acc >> bits) & maxv));
            }
        }

        if (pad)
        {
            if (bits > 0)
            {
                result.Add((byte)((acc << (to - bits)) & maxv));
            }
        }
        else if (bits >= from || ((acc << (to - bits)) & maxv) != 0)
        {
            throw new FormatException("bech32 data has non-zero or excess padding");
        }

        return result.ToArray();
    }
}
