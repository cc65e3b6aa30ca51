using System.Globalization;
using Chain.Proto.Types;

namespace Chain.State.Types;

/// <summary>Parsing and formatting of amounts such as "1500uchn" and "2.5chn".</summary>
public static class Coins
{
    public const string BaseDenom = "uchn";
    public const string DisplayDenom = "chn";
    public const ulong BasePerDisplay = 1_000_000;

    /// <summary>Parses "&lt;amount&gt;&lt;denom&gt;"; "chn" amounts may have up to 6 decimals and are converted to uchn.</summary>
    public static Coin Parse(string text)
    {
        if (!TryParse(text, out var coin, out var error))
        {
            throw new FormatException(error);
        }

        return coin;
    }

    public static bool TryParse(string? text, out Coin coin, out string error)
    {
        coin = new Coin();
        error = string.Empty;
        text = text?.Trim() ?? string.Empty;
        if (!TrySplit(text, out var number, out var denom))
        {
            error = $"amount '{text}' must be a number followed by a denomination, e.g. 1500uchn";
            return false;
        }

        if (!IsValidDenom(denom))
        {
            error = $"amount '{text}' has an invalid denomination '{denom}' (3-16 lower-case letters or digits, starting with a letter)";
            return false;
        }

        if (denom == DisplayDenom)
        {
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) || d < 0)
            {
                error = $"amount '{text}' is not a valid number";
                return false;
            }

            var scaled = d * BasePerDisplay;
            if (scaled != decimal.Truncate(scaled) || scaled > ulong.MaxValue)
            {
                error = $"amount '{text}' has more than 6 decimals or is too large";
                return false;
            }

            coin = new Coin { Denom = BaseDenom, Amount = (ulong)scaled };
            return true;
        }

        if (!ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            error = $"amount '{text}' is not a whole number of {denom} or does not fit in 64 bits";
            return false;
        }

        coin = new Coin { Denom = denom, Amount = amount };
        return true;
    }

    /// <summary>Splits "&lt;digits and dots&gt;&lt;rest&gt;" into the number and the denomination; false when either part is empty.</summary>
    public static bool TrySplit(string text, out string number, out string denom)
    {
        var i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        number = text[..i];
        denom = text[i..];
        return i > 0 && i < text.Length;
    }

    public static bool IsValidDenom(string denom)
    {
        if (denom.Length is < 3 or > 16 || !char.IsAsciiLetterLower(denom[0]))
        {
            return false;
        }

        foreach (var c in denom)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string Format(Coin coin) => coin.Amount.ToString(CultureInfo.InvariantCulture) + coin.Denom;
}
