using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>
/// A node home as client commands see it: its keyring (<see cref="HomeKeyring"/>) signs, without --node they talk to grpc.address from
/// config/config.toml (with CHAIND_* overrides) when the file exists, else to 127.0.0.1:9090, and
/// config/priv_validator_key.json holds the consensus key.
/// </summary>
internal sealed class NodeClientHome : IClientHome
{
    private readonly Func<string, string?> _getEnvironmentVariable;

    public NodeClientHome(Func<string, string?> getEnvironmentVariable)
    {
        _getEnvironmentVariable = getEnvironmentVariable;
    }

    public Keyring Keyring(string home, KeyringBackend? backend, IPassphraseSource passphrases) =>
        HomeKeyring.Open(new NodeHome(home), backend, passphrases, _getEnvironmentVariable);

    public byte[] ValidatorPublicKey(string home) => KeyPairFile.Read(new NodeHome(home).PrivValidatorKeyFile).PublicKey;

    /// <summary><paramref name="node"/> is host:port or http://host:port.</summary>
    public NodeConnection Connect(string? node, string home)
    {
        var address = Address(node, new NodeHome(home));
        return new NodeConnection(address.ToString(), address.ToHttpUri());
    }

    private EndpointAddress Address(string? node, NodeHome home)
    {
        if (!string.IsNullOrWhiteSpace(node))
        {
            var text = node.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? node["http://".Length..].TrimEnd('/') : node;
            if (!EndpointAddress.TryParse(text, out var address))
            {
                throw new CliException($"--node '{node}' is not {EndpointAddress.Expected}");
            }

            return address;
        }

        if (File.Exists(home.ConfigFile))
        {
            return NodeConfigLoader.Load(home.ConfigFile, _getEnvironmentVariable).Grpc.Address;
        }

        return new GrpcOptions().Address;
    }
}
