using System.Globalization;
using Tomlyn;
using Tomlyn.Model;

namespace Chain.Node.Config;

/// <summary>
/// Builds a <see cref="NodeConfig"/> from defaults, then config.toml, then CHAIND_* environment
/// variables, then command-line flags (each later source wins). Unknown keys and bad values
/// are errors naming the key and where it came from.
/// </summary>
public static class NodeConfigLoader
{
    /// <summary>Reads <paramref name="path"/> and applies environment variables and flag values (keyed by "section.name").</summary>
    public static NodeConfig Load(
        string path,
        Func<string, string?> getEnvironmentVariable,
        IReadOnlyDictionary<string, string>? flags = null)
    {
        var name = Path.GetFileName(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {e.Message}", e);
        }

        var config = ParseToml(text, name);
        config = ApplyEnvironment(config, getEnvironmentVariable);
        if (flags is not null)
        {
            config = ApplyFlags(config, flags);
        }

        config.Validate(name);
        return config;
    }

    /// <summary>Reads TOML text over the defaults; <paramref name="sourceName"/> starts every error message.</summary>
    public static NodeConfig ParseToml(string text, string sourceName = "config.toml")
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { SourceName = sourceName })
                ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new ConfigException($"{sourceName}: not valid TOML: {FirstLine(e.Message)}", e);
        }

        var config = new NodeConfig();
        foreach (var (name, value) in root)
        {
            if (value is TomlTable table)
            {
                if (!ConfigSchema.Sections.Contains(name))
                {
                    throw Unknown(sourceName, name);
                }

                foreach (var (innerName, innerValue) in table)
                {
                    config = SetFromToml(config, sourceName, name + "." + innerName, innerValue);
                }
            }
            else
            {
                if (ConfigSchema.Sections.Contains(name))
                {
                    throw new ConfigException($"{sourceName}: '{name}' must be a table ([{name}])");
                }

                config = SetFromToml(config, sourceName, name, value);
            }
        }

        return config;
    }

    /// <summary>Applies each CHAIND_SECTION_KEY variable that is set (CHAIND_MONIKER for top-level keys).</summary>
    public static NodeConfig ApplyEnvironment(NodeConfig config, Func<string, string?> getEnvironmentVariable)
    {
        foreach (var key in ConfigSchema.Keys)
        {
            var value = getEnvironmentVariable(key.EnvironmentVariable);
            if (value is not null)
            {
                config = SetFromText(config, $"environment variable {key.EnvironmentVariable}", key, value);
            }
        }

        return config;
    }

    /// <summary>Applies flag values keyed by key path ("grpc.address").</summary>
    public static NodeConfig ApplyFlags(NodeConfig config, IReadOnlyDictionary<string, string> flags)
    {
        foreach (var (path, value) in flags)
        {
            var key = ConfigSchema.Find(path) ?? throw new ConfigException($"flag --{path}: unknown config key '{path}'");
            config = SetFromText(config, $"flag --{path}", key, value);
        }

        return config;
    }

    private static NodeConfig SetFromToml(NodeConfig config, string source, string path, object? value)
    {
        var key = ConfigSchema.Find(path) ?? throw Unknown(source, path);
        object? typed = key.Kind switch
        {
            ConfigValueKind.String => value as string,
            ConfigValueKind.Integer => value is long l ? l : null,
            ConfigValueKind.Boolean => value is bool b ? b : null,
            ConfigValueKind.StringArray => value is TomlArray a && a.All(x => x is string) ? a.Cast<string>().ToArray() : null,
            _ => null,
        };
        if (typed is null)
        {
            throw new ConfigException($"{source}: '{path}' has the wrong type ({Describe(value)}); expected {key.Allowed}");
        }

        return key.TrySet(config, typed)
            ?? throw new ConfigException($"{source}: invalid value {Show(typed)} for '{path}'; expected {key.Allowed}");
    }

    private static NodeConfig SetFromText(NodeConfig config, string source, ConfigKey key, string text)
    {
        object? typed = key.Kind switch
        {
            ConfigValueKind.String => text,
            ConfigValueKind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
            ConfigValueKind.Boolean => text switch { "true" => true, "false" => false, _ => null },
            ConfigValueKind.StringArray => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            _ => null,
        };
        return (typed is null ? null : key.TrySet(config, typed))
            ?? throw new ConfigException($"{source}: invalid value \"{text}\" for '{key.Path}'; expected {key.Allowed}");
    }

    private static ConfigException Unknown(string source, string path) => new($"{source}: unknown key '{path}'");

    private static string Show(object value) => value switch
    {
        string s => "\"" + s + "\"",
        string[] a => "[" + string.Join(", ", a.Select(x => "\"" + x + "\"")) + "]",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        TomlArray => "an array",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        _ => "a date or time",
    };

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return (newline < 0 ? message : message[..newline]).TrimEnd();
    }
}
