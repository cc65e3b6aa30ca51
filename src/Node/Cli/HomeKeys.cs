using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.P2p.Identity;

namespace Chain.Node.Cli;

/// <summary>
/// The keys a new node home gets, as `chaind init` and `chaind testnet init` write them:
/// config/node_key.json, config/priv_validator_key.json and keyring key "validator" (<see cref="AccountKey"/>, the
/// validator's operator account).
/// </summary>
internal sealed record HomeKeys(PrivateKey NodeKey, PrivateKey ValidatorKey, PrivateKey AccountKey, KeyInfo Account)
{
    public const string AccountName = "validator";

    /// <summary>Where the home's own gentx goes: config/gentx/gentx-&lt;node id&gt;.json.</summary>
    public string GenTxFilePath(NodeHome home) => GenTxFile.PathFor(home.GenTxDirectory, NodeId.FromPublicKey(NodeKey.PublicKey).ToString());

    /// <summary>The files of <paramref name="home"/> that make it a node home, relative to its root.</summary>
    public static string[] ExistingNodeFiles(NodeHome home) =>
        new[] { home.ConfigFile, home.GenesisFile, home.NodeKeyFile, home.PrivValidatorKeyFile }
            .Where(File.Exists)
            .Select(p => Path.GetRelativePath(home.Root, p))
            .ToArray();

    /// <summary>
    /// Creates the home's directories (config/ and data/ private) and writes fresh keys, the account key into
    /// <paramref name="keyring"/>. With
    /// <paramref name="overwrite"/>, the gentx the home wrote for its old node key goes too: it is signed by the old keys.
    /// </summary>
    public static HomeKeys Create(NodeHome home, bool overwrite, Keyring keyring)
    {
        if (overwrite && File.Exists(home.NodeKeyFile))
        {
            try
            {
                var own = GenTxFile.PathFor(home.GenTxDirectory, NodeId.FromPublicKey(KeyPairFile.Read(home.NodeKeyFile).PublicKey).ToString());
                if (File.Exists(own))
                {
                    File.Delete(own);
                }
            }
            catch (KeyringException)
            {
                // An unreadable old node key names no gentx of ours.
            }
        }

        Directory.CreateDirectory(home.Root);
        CreatePrivateDirectory(home.ConfigDirectory);
        CreatePrivateDirectory(home.DataDirectory);

        var nodeKey = PrivateKey.Generate();
        var validatorKey = PrivateKey.Generate();
        KeyPairFile.Write(home.NodeKeyFile, nodeKey, overwrite);
        KeyPairFile.Write(home.PrivValidatorKeyFile, validatorKey, overwrite);

        var keyFile = Path.Combine(keyring.Directory, AccountName + ".json");
        if (overwrite && File.Exists(keyFile))
        {
            File.Delete(keyFile);
        }

        var accountKey = PrivateKey.Generate();
        return new HomeKeys(nodeKey, validatorKey, accountKey, keyring.Import(AccountName, accountKey));
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
