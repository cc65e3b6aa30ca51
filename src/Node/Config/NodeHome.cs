namespace Chain.Node.Config;

/// <summary>
/// The paths of a node's home directory: config/config.toml, config/genesis.json,
/// config/node_key.json, config/priv_validator_key.json, config/gentx/, keyring/ and data/.
/// </summary>
public sealed record NodeHome
{
    /// <summary>Environment variable that names the home when --home is not given.</summary>
    public const string EnvironmentVariable = "CHAIND_HOME";

    public NodeHome(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string ConfigDirectory => Path.Combine(Root, "config");

    public string ConfigFile => Path.Combine(ConfigDirectory, "config.toml");

    public string GenesisFile => Path.Combine(ConfigDirectory, "genesis.json");

    public string NodeKeyFile => Path.Combine(ConfigDirectory, "node_key.json");

    public string PrivValidatorKeyFile => Path.Combine(ConfigDirectory, "priv_validator_key.json");

    /// <summary>Signed genesis transactions: this node's own (`chaind genesis gentx`) and, on the node that assembles a network's genesis, every validator's (`chaind genesis collect-gentxs`).</summary>
    public string GenTxDirectory => Path.Combine(ConfigDirectory, "gentx");

    public string KeyringDirectory => Path.Combine(Root, "keyring");

    /// <summary>RocksDB state, blocks and the consensus WAL.</summary>
    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>$CHAIND_HOME when set, else ~/.chaind.</summary>
    public static string DefaultRoot(Func<string, string?> getEnvironmentVariable)
    {
        var fromEnv = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".chaind");
    }

    /// <summary>A path from the config (such as log.file) taken relative to the home root unless absolute.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Root, path));
}
