using System.CommandLine;
using Chain.Client.Keys;

namespace Chain.Client.Cli;

/// <summary>
/// The recursive --keyring-backend and --passphrase-file options of the root command, and the passphrase source
/// they make: the file when given, else a prompt (<see cref="PromptPassphrase"/>). A passphrase is never an argument
/// (it would show in `ps`).
/// </summary>
public sealed class KeyringOptions
{
    public Option<string?> Backend { get; } = new("--keyring-backend")
    {
        Description = "Keyring backend: file (each key encrypted under a passphrase) or test (unencrypted; testnets only). Default: client.keyring_backend of the home's config.toml, else file",
        Recursive = true,
    };

    public Option<string?> PassphraseFile { get; } = new("--passphrase-file")
    {
        Description = "Read the file keyring's passphrase from the first line of this file (for scripts) instead of prompting",
        Recursive = true,
    };

    public KeyringOptions()
    {
        Backend.AcceptOnlyFromAmong("file", "test");
    }

    /// <summary>The backend typed with --keyring-backend, or null.</summary>
    public KeyringBackend? TypedBackend(ParseResult parse) =>
        KeyringBackends.TryParse(parse.GetValue(Backend), out var backend) ? backend : null;

    /// <summary>The passphrase source for the keyring: --passphrase-file when given, else a prompt.</summary>
    public IPassphraseSource Passphrases(ParseResult parse, CliEnvironment environment)
    {
        var file = parse.GetValue(PassphraseFile);
        return file is null ? new PromptPassphrase(environment) : FixedPassphrase.FromFile(file);
    }
}
