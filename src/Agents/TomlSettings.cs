using System.Globalization;
using Chain.Client.Cli;
using Tomlyn;
using Tomlyn.Model;

namespace Chain.Agents;

/// <summary>
/// Reads an agent's TOML config: each key is read once with its type and default, and whatever key was not read is
/// an error naming it (a misspelt key never goes unnoticed). Bad values are errors naming the key.
/// </summary>
public sealed class TomlSettings
{
    private readonly string _source;
    private readonly TomlTable _root;
    private readonly HashSet<string> _read = new();

    private TomlSettings(string source, TomlTable root)
    {
        _source = source;
        _root = root;
    }

    public static TomlSettings Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentConfigException($"{path}: cannot read the config file: {e.Message}");
        }

        return Parse(text, Path.GetFileName(path));
    }

    public static TomlSettings Parse(string text, string source)
    {
        try
        {
            return new TomlSettings(source, TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { SourceName = source }) ?? new TomlTable());
        }
        catch (Exception e) when (e is TomlException or ArgumentOutOfRangeException)
        {
            throw new AgentConfigException($"{source}: not valid TOML: {e.Message.Split('\n')[0]}");
        }
    }

    public string String(string key, string fallback) => Read(key, fallback, v => (v is string, v as string ?? string.Empty));

    public ulong UInt(string key, ulong fallback, ulong min = 0, ulong max = ulong.MaxValue)
    {
        var value = Read(key, fallback, v => v is long l && l >= 0 ? (true, (ulong)l) : (false, 0UL));
        return value >= min && value <= max ? value : throw Bad(key, $"{value} is out of range {min} to {max}");
    }

    /// <summary>A number from 0 to 1.</summary>
    public double Fraction(string key, double fallback) =>
        Read(key, fallback, v => v is double d && d is >= 0 and <= 1 ? (true, d) : v is long l && l is 0 or 1 ? (true, (double)l) : (false, 0.0));

    public bool Bool(string key, bool fallback) => Read(key, fallback, v => v is bool b ? (true, b) : (false, false));

    /// <summary>An amount in uchn, written "1500uchn" or "1.5chn" (or 0).</summary>
    public ulong Uchn(string key, string fallback)
    {
        var text = String(key, fallback);
        if (text is "0" or "0uchn" or "0chn")
        {
            return 0;
        }

        try
        {
            return ClientInput.Uchn(text, key);
        }
        catch (CliException e)
        {
            throw Bad(key, e.Message);
        }
    }

    /// <summary>A duration written "500ms", "2s" or "1m".</summary>
    public TimeSpan Duration(string key, string fallback)
    {
        var text = String(key, fallback);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001) : text.EndsWith('s') ? (text[..^1], 1.0) : text.EndsWith('m') ? (text[..^1], 60.0) : (text, -1.0);
        return unit > 0 && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0
            ? TimeSpan.FromSeconds(n * unit)
            : throw Bad(key, $"\"{text}\" is not a duration like 500ms, 2s or 1m");
    }

    public IReadOnlyList<string> Strings(string key) =>
        Read<IReadOnlyList<string>>(key, [], v => v is TomlArray a && a.All(x => x is string) ? (true, a.Cast<string>().ToList()) : (false, []));

    /// <summary>A table of string values (e.g. floor prices by GPU model): its keys are free, its values read as <paramref name="parse"/>.</summary>
    public IReadOnlyDictionary<string, T> Map<T>(string key, Func<string, string, T> parse)
    {
        var table = Read<TomlTable?>(key, null, v => (v is TomlTable, v as TomlTable));
        var map = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in table ?? new TomlTable())
        {
            map[name] = value is string s ? parse($"{key}.{name}", s) : throw Bad($"{key}.{name}", "expected a string");
        }

        return map;
    }

    /// <summary>Each [[key]] table, read with its own settings (their keys are checked too).</summary>
    public IReadOnlyList<TomlSettings> Tables(string key)
    {
        var array = Read<TomlTableArray?>(key, null, v => (v is TomlTableArray, v as TomlTableArray));
        return (array ?? new TomlTableArray()).Select((t, i) => new TomlSettings($"{_source} [[{key}]] #{i + 1}", t)).ToList();
    }

    /// <summary>Throws for the first key that was never read (recursing into [sections] read with <see cref="Section"/>).</summary>
    public void CheckNoUnknownKeys()
    {
        foreach (var (name, _) in _root)
        {
            if (!_read.Contains(name))
            {
                throw new AgentConfigException($"{_source}: unknown key \"{name}\"");
            }
        }
    }

    /// <summary>A [section]: its keys are read and checked like the root's.</summary>
    public TomlSettings Section(string key)
    {
        var table = Read<TomlTable?>(key, null, v => (v is TomlTable, v as TomlTable));
        return new TomlSettings($"{_source} [{key}]", table ?? new TomlTable());
    }

    public AgentConfigException Bad(string key, string why) => new($"{_source}: {key}: {why}");

    private T Read<T>(string key, T fallback, Func<object, (bool Ok, T Value)> convert)
    {
        _read.Add(key);
        if (!_root.TryGetValue(key, out var raw))
        {
            return fallback;
        }

        var (ok, value) = convert(raw);
        return ok ? value : throw Bad(key, $"unexpected value {raw} ({raw.GetType().Name})");
    }
}

/// <summary>A config key that is unknown or has a bad value: the agent stops with this message.</summary>
public sealed class AgentConfigException(string message) : Exception(message);
