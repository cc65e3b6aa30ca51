using System.CommandLine;

namespace Chain.Client.Cli;

/// <summary>What the commands of `chaind` share: where they read and write, how errors end them, --home and what it holds.</summary>
/// <param name="Environment">Standard streams, environment variables and the clock.</param>
/// <param name="Handler">Wraps each command's action so user errors are one line and exit code 1.</param>
/// <param name="Home">The recursive --home option of the root command.</param>
/// <param name="ClientHome">The keyring and the node that --home names.</param>
/// <param name="Keyring">The recursive --keyring-backend and --passphrase-file options.</param>
public sealed record CliContext(CliEnvironment Environment, CommandHandler Handler, Option<string> Home, IClientHome ClientHome, KeyringOptions Keyring)
{
    /// <summary>The keyring that --home, --keyring-backend (or the home's default) and --passphrase-file name.</summary>
    public Keys.Keyring OpenKeyring(ParseResult parse) =>
        ClientHome.Keyring(parse.GetRequiredValue(Home), Keyring.TypedBackend(parse), Keyring.Passphrases(parse, Environment));
}
