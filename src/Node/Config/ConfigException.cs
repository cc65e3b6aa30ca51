namespace Chain.Node.Config;

/// <summary>A config file, environment variable or flag that cannot be used; the message names the key and the source.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
