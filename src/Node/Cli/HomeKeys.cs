using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>
/// The keys a new node home gets, as `chaind init` and `chaind testnet init` write them:
/// config/node_key.json, config/priv_validator_key.json and keyring key "validator".
/// </summary>
internal sealed record HomeKeys(PrivateKey NodeKey, PrivateKey ValidatorKey, KeyInfo Account)
{
    public const string AccountName = "validator";

    /// <summary>The files of <paramref name="home"/> that make it a node home, relative to its root.</summary>
    public static string[] ExistingNodeFiles(NodeHome home) =>
        new[] { home.ConfigFile, home.GenesisFile, home.NodeKeyFile, home.PrivValidatorKeyFile }
            .Where(File.Exists)
            .Select(p => Path.GetRelativePath(home.Root, p))
            .ToArray();

    /// <summary>Creates the home's directories (config/ and data/ private) and writes fresh keys.</summary>
    public static HomeKeys Create(NodeHome home, bool overwrite)
    {
        Directory.CreateDirectory(home.Root);
        CreatePrivateDirectory(home.ConfigDirectory);
        CreatePrivateDirectory(home.DataDirectory);

        var nodeKey = PrivateKey.Generate();
        var validatorKey = PrivateKey.Generate();
        KeyPairFile.Write(home.NodeKeyFile, nodeKey, overwrite);
        KeyPairFile.Write(home.PrivValidatorKeyFile, validatorKey, overwrite);

        var keyring = new Keyring(home.KeyringDirectory);
        var keyFile = Path.Combine(home.KeyringDirectory, AccountName + ".json");
        if (overwrite && File.Exists(keyFile))
        {
            File.Delete(keyFile);
        }

        return new HomeKeys(nodeKey, validatorKey, keyring.Add(AccountName));
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
