namespace Chain.Node.Config;

/// <summary>The TOML type a config key holds.</summary>
public enum ConfigValueKind
{
    String,
    Integer,
    Boolean,
    StringArray,
}
