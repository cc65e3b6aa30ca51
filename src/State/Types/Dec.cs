// Hand-written: the SDK's LegacyDec (18 fixed decimal places, its exact rounding rules) has no .NET package; the
// consensus-relevant results must match it digit for digit, so the rules are spelled out here over BigInteger.
using System.Globalization;
using System.Numerics;

namespace Chain.State.Types;

/// <summary>
/// A signed decimal with exactly 18 places (the Cosmos SDK's LegacyDec): the value is <see cref="Scaled"/> / 10^18.
/// Products and quotients either round half to even at the 18th place (<see cref="Mul"/>, <see cref="Quo"/>) or
/// truncate toward zero (<see cref="MulTruncate"/>, <see cref="QuoTruncate"/>), as the SDK does; the staking rules say
/// which one each step uses. Text form: "-"? digits "." 18 digits.
/// </summary>
public readonly struct Dec : IEquatable<Dec>, IComparable<Dec>
{
    public const int Precision = 18;

    private static readonly BigInteger One18 = BigInteger.Pow(10, Precision);
    private static readonly BigInteger Half18 = One18 / 2;

    /// <summary>The largest magnitude a Dec may hold: 2^256 - 1 scaled units (the SDK caps at 256 + 60 bits).</summary>
    private static readonly BigInteger MaxScaled = (BigInteger.One << 256) - 1;

    private Dec(BigInteger scaled)
    {
        if (BigInteger.Abs(scaled) > MaxScaled)
        {
            throw new OverflowException("decimal out of range (more than 256 bits)");
        }

        Scaled = scaled;
    }

    /// <summary>The value times 10^18.</summary>
    public BigInteger Scaled { get; }

    public static Dec Zero => default;

    public static Dec One { get; } = new(One18);

    public bool IsZero => Scaled.IsZero;

    public bool IsNegative => Scaled.Sign < 0;

    public bool IsPositive => Scaled.Sign > 0;

    public static Dec FromInt(BigInteger value) => new(value * One18);

    public static Dec FromInt(ulong value) => FromInt(new BigInteger(value));

    public static Dec FromScaled(BigInteger scaled) => new(scaled);

    /// <summary>numerator / denominator, truncated at 18 places.</summary>
    public static Dec Ratio(BigInteger numerator, BigInteger denominator) => new(numerator * One18 / denominator);

    public static Dec operator +(Dec a, Dec b) => new(a.Scaled + b.Scaled);

    public static Dec operator -(Dec a, Dec b) => new(a.Scaled - b.Scaled);

    public static Dec operator -(Dec a) => new(-a.Scaled);

    public static bool operator <(Dec a, Dec b) => a.Scaled < b.Scaled;

    public static bool operator >(Dec a, Dec b) => a.Scaled > b.Scaled;

    public static bool operator <=(Dec a, Dec b) => a.Scaled <= b.Scaled;

    public static bool operator >=(Dec a, Dec b) => a.Scaled >= b.Scaled;

    public static bool operator ==(Dec a, Dec b) => a.Scaled == b.Scaled;

    public static bool operator !=(Dec a, Dec b) => a.Scaled != b.Scaled;

    /// <summary>a x b, rounded half to even at 18 places.</summary>
    public Dec Mul(Dec other) => new(ChopAndRound(Scaled * other.Scaled));

    /// <summary>a x b, truncated toward zero at 18 places.</summary>
    public Dec MulTruncate(Dec other) => new(Scaled * other.Scaled / One18);

    /// <summary>a x b, rounded away from zero at 18 places.</summary>
    public Dec MulRoundUp(Dec other) => new(DivRoundUp(Scaled * other.Scaled, One18));

    /// <summary>a x an integer (exact).</summary>
    public Dec MulInt(BigInteger value) => new(Scaled * value);

    /// <summary>a / b, rounded half to even at 18 places.</summary>
    public Dec Quo(Dec other) => new(ChopAndRound(Scaled * One18 * One18 / other.Scaled));

    /// <summary>a / b, truncated toward zero at 18 places.</summary>
    public Dec QuoTruncate(Dec other) => new(Scaled * One18 / other.Scaled);

    /// <summary>a / b, rounded away from zero at 18 places.</summary>
    public Dec QuoRoundUp(Dec other) => new(DivRoundUp(Scaled * One18, other.Scaled));

    /// <summary>a / an integer, truncated toward zero.</summary>
    public Dec QuoInt(BigInteger value) => new(Scaled / value);

    /// <summary>The integer part (toward zero).</summary>
    public BigInteger TruncateInt() => Scaled / One18;

    /// <summary>The integer part as an amount of uchn; the value must be in [0, 2^64).</summary>
    public ulong TruncateU64()
    {
        var i = TruncateInt();
        return i.Sign < 0 || i > ulong.MaxValue ? throw new OverflowException($"{this} is not an amount of uchn") : (ulong)i;
    }

    /// <summary>This value with its fraction dropped (toward zero).</summary>
    public Dec TruncateDec() => new(Scaled / One18 * One18);

    /// <summary>The smallest integer not below this value.</summary>
    public BigInteger Ceil()
    {
        var q = BigInteger.DivRem(Scaled, One18, out var r);
        return r.Sign > 0 ? q + 1 : q;
    }

    /// <summary>The nearest integer, half to even.</summary>
    public BigInteger RoundInt() => ChopAndRound(Scaled);

    public static Dec Min(Dec a, Dec b) => a <= b ? a : b;

    public static Dec Max(Dec a, Dec b) => a >= b ? a : b;

    /// <summary>
    /// Parses "123", "0.5" or "-1.000000000000000001": at most 18 decimals, no exponent, no spaces, no "+".
    /// </summary>
    public static bool TryParse(string? text, out Dec value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 100)
        {
            return false;
        }

        var negative = text[0] == '-';
        var body = negative ? text[1..] : text;
        var dot = body.IndexOf('.');
        var whole = dot < 0 ? body : body[..dot];
        var fraction = dot < 0 ? string.Empty : body[(dot + 1)..];
        if (whole.Length == 0 || !AllDigits(whole) || (dot >= 0 && (fraction.Length == 0 || fraction.Length > Precision || !AllDigits(fraction))))
        {
            return false;
        }

        var scaled = BigInteger.Parse(whole + fraction.PadRight(Precision, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        if (scaled > MaxScaled)
        {
            return false;
        }

        value = new Dec(negative ? -scaled : scaled);
        return true;
    }

    public static Dec Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a decimal with at most {Precision} places");

    /// <summary>Like <see cref="Parse"/>, with the empty string as zero (an unset proto field).</summary>
    public static Dec ParseOrZero(string text) => text.Length == 0 ? Zero : Parse(text);

    public override string ToString()
    {
        var abs = BigInteger.Abs(Scaled).ToString(CultureInfo.InvariantCulture).PadLeft(Precision + 1, '0');
        var text = abs[..^Precision] + "." + abs[^Precision..];
        return Scaled.Sign < 0 ? "-" + text : text;
    }

    public bool Equals(Dec other) => Scaled == other.Scaled;

    public override bool Equals(object? obj) => obj is Dec other && Equals(other);

    public override int GetHashCode() => Scaled.GetHashCode();

    public int CompareTo(Dec other) => Scaled.CompareTo(other.Scaled);

    private static bool AllDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Divides by 10^18, rounding half to even (the SDK's chopPrecisionAndRound).</summary>
    private static BigInteger ChopAndRound(BigInteger value)
    {
        if (value.Sign < 0)
        {
            return -ChopAndRound(-value);
        }

        var quotient = BigInteger.DivRem(value, One18, out var remainder);
        if (remainder.IsZero)
        {
            return quotient;
        }

        var c = remainder.CompareTo(Half18);
        return c < 0 ? quotient : c > 0 ? quotient + 1 : quotient.IsEven ? quotient : quotient + 1;
    }

    private static BigInteger DivRoundUp(BigInteger numerator, BigInteger denominator)
    {
        var q = BigInteger.DivRem(numerator, denominator, out var r);
        if (r.IsZero)
        {
            return q;
        }

        return (r.Sign > 0) == (denominator.Sign > 0) ? q + 1 : q;
    }
}
