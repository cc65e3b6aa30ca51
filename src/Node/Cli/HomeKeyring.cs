using Chain.Client.Keys;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>
/// Which keyring of a node home a command uses: the backend typed with --keyring-backend, else client.keyring_backend
/// of config/config.toml (after CHAIND_CLIENT_KEYRING_BACKEND), else file. Test keys live in keyring/, file keys in
/// keyring-file/.
/// </summary>
internal static class HomeKeyring
{
    public static KeyringBackend Backend(NodeHome home, KeyringBackend? typed, Func<string, string?> getEnvironmentVariable)
    {
        if (typed is { } backend)
        {
            return backend;
        }

        var config = File.Exists(home.ConfigFile)
            ? NodeConfigLoader.Load(home.ConfigFile, getEnvironmentVariable)
            : NodeConfigLoader.ApplyEnvironment(new NodeConfig(), getEnvironmentVariable);
        return config.Client.KeyringBackend;
    }

    public static Keyring Open(NodeHome home, KeyringBackend? typed, IPassphraseSource passphrases, Func<string, string?> getEnvironmentVariable)
    {
        var backend = Backend(home, typed, getEnvironmentVariable);
        return new Keyring(KeyringBackends.DirectoryUnder(home.Root, backend), backend, passphrases);
    }
}
