using System.Globalization;
using System.Text.RegularExpressions;

namespace Chain.State.Types;

/// <summary>
/// genesis_time: RFC 3339 as written ("2026-01-02T15:04:05Z", fractions up to nanoseconds, an offset or Z) and as
/// read. Hand-written because .NET's parser takes at most 7 fractional digits and Go writes up to 9.
/// </summary>
public static partial class Rfc3339Time
{
    /// <summary>Writes <paramref name="time"/> in UTC with seven fractional digits.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads an RFC 3339 time; digits past the seventh fractional one are dropped.</summary>
    public static bool TryParse(string text, out DateTimeOffset time)
    {
        time = default;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        var normalized = match.Groups["seconds"].Value
            + (fraction.Length > 0 ? "." + fraction[..Math.Min(7, fraction.Length)] : string.Empty)
            + (match.Groups["zone"].Value is "Z" or "z" ? "+00:00" : match.Groups["zone"].Value);
        normalized = normalized.Replace('t', 'T');
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    /// <summary>Unix nanoseconds of an RFC 3339 time; 0 when <paramref name="text"/> is empty or not such a time.</summary>
    public static long UnixNanosOrZero(string text) =>
        TryParse(text, out var time) ? (time.UtcDateTime - DateTime.UnixEpoch).Ticks * 100 : 0;

    [GeneratedRegex(@"^(?<seconds>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(\.(?<fraction>\d{1,9}))?(?<zone>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
