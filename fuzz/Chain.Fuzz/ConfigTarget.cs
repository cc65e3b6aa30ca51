using System.Text;
using Chain.Node.Config;

namespace Chain.Fuzz;

/// <summary>
/// A config.toml's text through what <see cref="NodeConfigLoader.Load"/> runs on it: <see cref="NodeConfigLoader.ParseToml"/>
/// then <see cref="NodeConfig.Validate"/>. <see cref="ConfigException"/> is the format error. The seeds are the
/// config.toml of `chaind testnet init` and the defaults as <see cref="NodeConfigWriter"/> writes them.
/// </summary>
public sealed class ConfigTarget : IFuzzTarget
{
    public string Name => "config";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            NodeConfigLoader.ParseToml(Encoding.UTF8.GetString(input)).Validate("config.toml");
        }
        catch (ConfigException)
        {
        }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds() => [("defaults.toml", Encoding.UTF8.GetBytes(NodeConfigWriter.ToToml(new NodeConfig())))];
}
