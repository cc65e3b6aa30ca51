using System.Globalization;
using Google.Protobuf.Reflection;

namespace Chain.Client.Cli;

/// <summary>
/// Protobuf enum values as users type and read them: the proto name without the enum's prefix, lower case
/// ("ORDER_STATE_OPEN" → "open", "BOND_STATUS_BONDED" → "bonded"). The prefix is what precedes "UNSPECIFIED" in the
/// name of the zero value, as the proto style guide has every enum start.
/// </summary>
public static class ProtoEnumText
{
    public static string Name<T>(T value)
        where T : struct, Enum
    {
        var name = OriginalName(value);
        var zero = OriginalName(default(T));
        var prefix = zero.EndsWith("UNSPECIFIED", StringComparison.Ordinal) ? zero[..^"UNSPECIFIED".Length] : string.Empty;
        return (name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name).ToLowerInvariant();
    }

    /// <summary>The value named <paramref name="text"/>; unspecified (0) when empty. Any other text is a <see cref="CliException"/> listing the names.</summary>
    public static T Parse<T>(string? text, string what)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        foreach (var value in Specified<T>())
        {
            if (Name(value) == text.ToLowerInvariant())
            {
                return value;
            }
        }

        throw new CliException($"invalid {what} '{text}': one of {string.Join(", ", Specified<T>().Select(v => Name(v)))}");
    }

    private static IEnumerable<T> Specified<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Convert.ToInt32(v, CultureInfo.InvariantCulture) != 0);

    private static string OriginalName<T>(T value)
        where T : struct, Enum
    {
        var field = typeof(T).GetField(value.ToString());
        return field?.GetCustomAttributes(typeof(OriginalNameAttribute), false).OfType<OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();
    }
}
