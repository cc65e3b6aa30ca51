using Chain.Client.Keys;
using Chain.Crypto;
using Prometheus;

namespace Chain.Agents;

/// <summary>
/// What both agents' configs share: the node, where the keyring is and which key signs (never the key itself), the fee
/// per tx, how often the chain is polled between events, and where metrics are served.
/// </summary>
/// <param name="Node">host:port of the node's gRPC API.</param>
/// <param name="Home">The chaind home whose keyring holds <paramref name="Key"/>.</param>
/// <param name="Key">Name of the keyring key the agent signs with.</param>
/// <param name="KeyringBackend">"file" (keyring-file/, unlocked with <paramref name="PassphraseFile"/>) or "test" (keyring/, testnets).</param>
/// <param name="PassphraseFile">File whose first line is the file-backend key's passphrase; empty for the test backend.</param>
/// <param name="Fee">uchn paid per tx (at least gas x the node's minimum gas price).</param>
/// <param name="Gas">Gas limit per tx.</param>
/// <param name="PollInterval">How often the agent looks at the chain when no event woke it.</param>
/// <param name="MetricsAddress">host:port of the Prometheus /metrics endpoint; empty: none.</param>
public sealed record AgentSettings(string Node, string Home, string Key, ulong Fee, ulong Gas, TimeSpan PollInterval, string MetricsAddress)
{
    public KeyringBackend KeyringBackend { get; init; } = KeyringBackend.File;

    public string PassphraseFile { get; init; } = string.Empty;

    public static AgentSettings Read(TomlSettings toml)
    {
        var home = toml.String("home", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".chaind"));
        var key = toml.String("key", string.Empty);
        if (!Keyring.IsValidName(key))
        {
            throw toml.Bad("key", $"the name of a keyring key is required ({Keyring.NameRule})");
        }

        var metrics = toml.String("metrics_address", string.Empty);
        if (metrics.Length > 0 && !metrics.Contains(':', StringComparison.Ordinal))
        {
            throw toml.Bad("metrics_address", $"\"{metrics}\" is not host:port");
        }

        var backendText = toml.String("keyring_backend", "file");
        if (!KeyringBackends.TryParse(backendText, out var backend))
        {
            throw toml.Bad("keyring_backend", $"\"{backendText}\" is not {KeyringBackends.Expected}");
        }

        var passphraseFile = toml.String("passphrase_file", string.Empty);
        if (backend == KeyringBackend.Test && passphraseFile.Length > 0)
        {
            throw toml.Bad("passphrase_file", "the test keyring has no passphrase; remove passphrase_file or set keyring_backend = \"file\"");
        }

        return new AgentSettings(
            toml.String("node", "127.0.0.1:9090"),
            home.StartsWith('~') ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + home[1..] : home,
            key,
            toml.Uchn("fee", "100000uchn"),
            toml.UInt("gas", 10_000_000, 1),
            toml.Duration("poll_interval", "1s"),
            metrics)
        {
            KeyringBackend = backend,
            PassphraseFile = passphraseFile,
        };
    }

    /// <summary>The signing key from the keyring under <see cref="Home"/>.</summary>
    public PrivateKey LoadKey()
    {
        var directory = KeyringBackends.DirectoryUnder(Home, KeyringBackend);
        try
        {
            if (KeyringBackend == KeyringBackend.File && PassphraseFile.Length == 0)
            {
                throw new AgentConfigException(
                    $"key \"{Key}\": the file keyring needs passphrase_file (a file whose first line is the key's passphrase); on a testnet set keyring_backend = \"test\"");
            }

            var passphrases = KeyringBackend == KeyringBackend.File ? FixedPassphrase.FromFile(PassphraseFile) : null;
            return new Keyring(directory, KeyringBackend, passphrases).GetPrivateKey(Key);
        }
        catch (Exception e) when (e is KeyringException or IOException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new AgentConfigException($"key \"{Key}\" cannot be loaded from the {KeyringBackends.Name(KeyringBackend)} keyring at {directory}: {e.Message}");
        }
    }

    /// <summary>Serves <paramref name="registry"/> at http://<see cref="MetricsAddress"/>/metrics, or nothing when the address is empty.</summary>
    public IDisposable? ServeMetrics(CollectorRegistry registry)
    {
        if (MetricsAddress.Length == 0)
        {
            return null;
        }

        var colon = MetricsAddress.LastIndexOf(':');
        var server = new MetricServer(MetricsAddress[..colon], int.Parse(MetricsAddress[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), "metrics/", registry);
        server.Start();
        return server;
    }
}
