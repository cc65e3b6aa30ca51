using Google.Protobuf;

namespace Chain.Client.Cli;

/// <summary>Prints protobuf results as indented protobuf JSON (snake_case keys, every field) or as text lines.</summary>
public sealed class ResultPrinter
{
    private static readonly JsonFormatter Formatter = new(
        JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true).WithIndentation("  "));

    private readonly TextWriter _output;

    public ResultPrinter(TextWriter output)
    {
        _output = output;
    }

    /// <summary>JSON of <paramref name="message"/>, or the text lines of <paramref name="text"/>.</summary>
    public void Print(OutputFormat format, IMessage message, Func<IEnumerable<(string Name, string Value)>> text)
    {
        if (format == OutputFormat.Json)
        {
            _output.WriteLine(Formatter.Format(message));
            return;
        }

        foreach (var (name, value) in text())
        {
            _output.WriteLine($"{name}: {value}");
        }
    }

    public static string Hex(ByteString bytes) => Convert.ToHexString(bytes.Span);

    /// <summary>Unix seconds as an ISO 8601 UTC time; empty for 0, the number itself when out of DateTime's range.</summary>
    public static string TimeFromSeconds(long unixSeconds) =>
        unixSeconds == 0 ? string.Empty
        : unixSeconds < -62_135_596_800 || unixSeconds > 253_402_300_799 ? unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Time(long unixNanos) =>
        unixNanos == 0
            ? string.Empty
            : DateTimeOffset.FromUnixTimeMilliseconds(unixNanos / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
