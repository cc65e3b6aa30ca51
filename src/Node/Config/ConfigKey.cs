namespace Chain.Node.Config;

/// <summary>
/// One key of config.toml: where it lives, what it means, how to read it from a config and
/// how to set it. Values are TOML-shaped: string, long, bool or string[].
/// </summary>
public sealed class ConfigKey
{
    private readonly Func<NodeConfig, object> _get;
    private readonly Func<NodeConfig, object, NodeConfig?> _set;

    public ConfigKey(
        string section,
        string name,
        ConfigValueKind kind,
        string description,
        string allowed,
        Func<NodeConfig, object> get,
        Func<NodeConfig, object, NodeConfig?> set)
    {
        Section = section;
        Name = name;
        Kind = kind;
        Description = description;
        Allowed = allowed;
        _get = get;
        _set = set;
    }

    /// <summary>The TOML table ("" for top-level keys).</summary>
    public string Section { get; }

    public string Name { get; }

    /// <summary>"section.name", or "name" at the top level.</summary>
    public string Path => Section.Length == 0 ? Name : Section + "." + Name;

    public ConfigValueKind Kind { get; }

    /// <summary>What the key does (the comment written over it).</summary>
    public string Description { get; }

    /// <summary>What values are accepted, for error messages and docs.</summary>
    public string Allowed { get; }

    /// <summary>The environment variable that overrides the key, e.g. CHAIND_GRPC_ADDRESS.</summary>
    public string EnvironmentVariable => "CHAIND_" + Path.Replace('.', '_').ToUpperInvariant();

    /// <summary>The key's value in <paramref name="config"/>, TOML-shaped.</summary>
    public object Get(NodeConfig config) => _get(config);

    /// <summary>A copy of <paramref name="config"/> with the key set; null when the value is not allowed.</summary>
    public NodeConfig? TrySet(NodeConfig config, object value) => _set(config, value);
}
