using Chain.Client.Keys;

namespace Chain.Client.Cli;

/// <summary>
/// What a client command finds through the home that --home names: the keyring that signs, the node to talk to
/// when --node is not given, and the consensus key of the node that lives there. The node implements it from its home layout and config file, which the client does not
/// know.
/// </summary>
public interface IClientHome
{
    /// <summary>
    /// The keyring of the home at <paramref name="home"/>: of <paramref name="backend"/> when given, else of the
    /// home's default backend; <paramref name="passphrases"/> unlocks file-backend keys.
    /// </summary>
    Keyring Keyring(string home, KeyringBackend? backend, IPassphraseSource passphrases);

    /// <summary>
    /// A connection to the node: <paramref name="node"/> (the --node value) when given, else the one the home at
    /// <paramref name="home"/> configures. A <paramref name="node"/> that is not an address is a <see cref="CliException"/>.
    /// </summary>
    NodeConnection Connect(string? node, string home);

    /// <summary>
    /// The 33-byte consensus public key of the node at <paramref name="home"/> (its priv_validator_key.json), which a
    /// validator created from that home signs blocks with. A missing or bad file is a <see cref="KeyringException"/>.
    /// </summary>
    byte[] ValidatorPublicKey(string home);
}
