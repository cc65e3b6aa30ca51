using System.Globalization;
using System.Text;

namespace Chain.Node.Config;

/// <summary>
/// Durations in config files: one or more whole numbers each followed by a unit, as in
/// "500ms", "3s", "2m", "1h" or "1m30s". Units: ms, s, m, h. Hand-written because neither
/// TimeSpan parsing nor Tomlyn reads this Go-style form strictly.
/// </summary>
public static class Duration
{
    public const string Expected = "a duration such as \"500ms\", \"3s\", \"2m\" or \"1m30s\" (units ms, s, m, h)";

    private static readonly TimeSpan Max = TimeSpan.FromDays(365);

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        var total = 0m;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > 12)
            {
                return false;
            }

            var number = decimal.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetterLower(text[i]))
            {
                i++;
            }

            decimal msPerUnit = text[unitStart..i] switch
            {
                "ms" => 1m,
                "s" => 1_000m,
                "m" => 60_000m,
                "h" => 3_600_000m,
                _ => -1m,
            };
            if (msPerUnit < 0)
            {
                return false;
            }

            total += number * msPerUnit;
            if (total > (decimal)Max.TotalMilliseconds)
            {
                return false;
            }
        }

        value = TimeSpan.FromMilliseconds((double)total);
        return true;
    }

    /// <summary>The shortest text <see cref="TryParse"/> reads back to the same value (whole milliseconds).</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        Append(sb, ref ms, 3_600_000, "h");
        Append(sb, ref ms, 60_000, "m");
        Append(sb, ref ms, 1_000, "s");
        Append(sb, ref ms, 1, "ms");
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, ref long ms, long unit, string suffix)
    {
        if (ms >= unit)
        {
            sb.Append((ms / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
            ms %= unit;
        }
    }
}
