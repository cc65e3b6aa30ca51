using System.CommandLine;
using System.Text.Json;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind keys add|list|show|delete|export|import`: the home's keyring, of the backend --keyring-backend names (else
/// client.keyring_backend of config.toml, else file). docs/keys.md describes both backends and the armor.
/// </summary>
internal sealed class KeysCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;
    private readonly KeyringOptions _keyring;

    public KeysCommand(CliEnvironment environment, CommandHandler handler, Option<string> home, KeyringOptions keyring)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
        _keyring = keyring;
    }

    public Command Build()
    {
        var keys = new Command(
            "keys",
            "Manage the home's keyring: --keyring-backend file (default; each key encrypted under a passphrase) or test (UNENCRYPTED; testnets only)");
        keys.Add(Add());
        keys.Add(List());
        keys.Add(Show());
        keys.Add(Delete());
        keys.Add(Export());
        keys.Add(Import());
        return keys;
    }

    private Keyring Keyring(ParseResult parse) =>
        HomeKeyring.Open(new NodeHome(parse.GetRequiredValue(_home)), _keyring.TypedBackend(parse), _keyring.Passphrases(parse, _environment), _environment.GetEnvironmentVariable);

    private Command Add()
    {
        var name = new Argument<string>("name") { Description = "Key name: " + Chain.Client.Keys.Keyring.NameRule };
        var recover = new Option<bool>("--recover") { Description = "Recover the key from a BIP-39 mnemonic (read from --mnemonic-file, else the first line of stdin) instead of creating one; a line of 64 hex characters is taken as a raw private key" };
        var mnemonicFile = new Option<string?>("--mnemonic-file") { Description = "With --recover: read the mnemonic from this file" };
        var hdPath = new Option<string?>("--hd-path") { Description = $"BIP-32 path of the key (default {HdPath.Default}); not with --account/--index" };
        var account = new Option<uint?>("--account") { Description = "BIP-44 account: the path becomes m/44'/118'/ACCOUNT'/0/INDEX" };
        var index = new Option<uint?>("--index") { Description = "BIP-44 address index: the path becomes m/44'/118'/ACCOUNT'/0/INDEX" };
        var command = new Command("add", "Create a key from a new 24-word mnemonic (printed once) or recover one, and print its address")
        {
            name, recover, mnemonicFile, hdPath, account, index,
        };
        command.SetAction(_handler.Wrap(async (parse, ct) =>
        {
            var keyName = parse.GetRequiredValue(name);
            var path = Path(parse.GetValue(hdPath), parse.GetValue(account), parse.GetValue(index));
            if (parse.GetValue(mnemonicFile) is not null && !parse.GetValue(recover))
            {
                throw new CliException("--mnemonic-file goes with --recover");
            }

            var keyring = Keyring(parse);
            if (keyring.Contains(keyName))
            {
                throw new CliException($"key '{keyName}' already exists");
            }

            KeyInfo info;
            string? mnemonic = null;
            if (parse.GetValue(recover))
            {
                var text = await ReadMnemonic(parse.GetValue(mnemonicFile), ct);
                info = IsHexKey(text)
                    ? keyring.Import(keyName, KeyPairFile.ParsePrivateKey(text, "stdin"))
                    : keyring.Import(keyName, MnemonicKey.Derive(text, path));
            }
            else
            {
                (info, mnemonic) = keyring.AddFromNewMnemonic(keyName, path);
            }

            await _environment.Output.WriteLineAsync(info.Address);
            if (mnemonic is not null)
            {
                await _environment.Error.WriteLineAsync(
                    $"**Write this mnemonic down and keep it safe: it recovers key '{keyName}' (path {path}) and is shown only now.**");
                await _environment.Error.WriteLineAsync();
                await _environment.Error.WriteLineAsync(mnemonic);
                await _environment.Error.WriteLineAsync();
            }

            await _environment.Error.WriteLineAsync(keyring.Backend == KeyringBackend.Test
                ? $"key '{keyName}' saved UNENCRYPTED in {keyring.Directory} (test keyring: for testnets only, never for real funds)"
                : $"key '{keyName}' saved encrypted under its passphrase in {keyring.Directory}");
            return 0;
        }));
        return command;
    }

    private static HdPath Path(string? hdPath, uint? account, uint? index)
    {
        if (hdPath is not null && (account is not null || index is not null))
        {
            throw new CliException("give --hd-path or --account/--index, not both");
        }

        return hdPath is not null ? HdPath.Parse(hdPath) : HdPath.Bip44(account ?? 0, index ?? 0);
    }

    private static bool IsHexKey(string text)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit);
    }

    private async Task<string> ReadMnemonic(string? file, CancellationToken ct)
    {
        if (file is not null)
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw new CliException($"--mnemonic-file {file} not found");
            }

            if (info.Length > MnemonicKey.MaxLength)
            {
                throw new CliException($"--mnemonic-file {file} is longer than {MnemonicKey.MaxLength} bytes");
            }

            return (await File.ReadAllTextAsync(file, ct)).Trim();
        }

        if (new PromptPassphrase(_environment).IsTerminal)
        {
            await _environment.Error.WriteAsync("Mnemonic: ");
        }

        var line = await _environment.Input.ReadLineAsync(ct)
            ?? throw new CliException("--recover reads a mnemonic from stdin (or --mnemonic-file), but stdin is empty");
        return line.Trim();
    }

    private Command List()
    {
        var output = CommonOptions.Output();
        var command = new Command("list", "List the keys") { output };
        command.SetAction(_handler.Wrap(async (parse, _) =>
        {
            var all = Keyring(parse).List();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                await _environment.Output.WriteLineAsync(JsonSerializer.Serialize(all, Json));
            }
            else
            {
                foreach (var key in all)
                {
                    await _environment.Output.WriteLineAsync($"{key.Name}\t{key.Address}");
                }
            }

            return 0;
        }));
        return command;
    }

    private Command Show()
    {
        var name = new Argument<string>("name") { Description = "Key name" };
        var addressOnly = new Option<bool>("--address", "-a") { Description = "Print only the address" };
        var output = CommonOptions.Output();
        var command = new Command("show", "Show a key's address and public key (no passphrase needed)") { name, addressOnly, output };
        command.SetAction(_handler.Wrap(async (parse, _) =>
        {
            var key = Keyring(parse).Show(parse.GetRequiredValue(name));
            if (parse.GetValue(addressOnly))
            {
                await _environment.Output.WriteLineAsync(key.Address);
            }
            else if (parse.GetValue(output) == OutputFormat.Json)
            {
                await _environment.Output.WriteLineAsync(JsonSerializer.Serialize(key, Json));
            }
            else
            {
                await _environment.Output.WriteLineAsync($"name: {key.Name}");
                await _environment.Output.WriteLineAsync($"address: {key.Address}");
                await _environment.Output.WriteLineAsync($"public_key: {key.PublicKey}");
            }

            return 0;
        }));
        return command;
    }

    private Command Delete()
    {
        var name = new Argument<string>("name") { Description = "Key name" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (the key is gone unless its mnemonic or an export is kept)" };
        var command = new Command("delete", "Delete a key from the keyring") { name, yes };
        command.SetAction(_handler.Wrap(async (parse, ct) =>
        {
            var keyring = Keyring(parse);
            var keyName = parse.GetRequiredValue(name);
            var key = keyring.Show(keyName);
            if (!parse.GetValue(yes))
            {
                await _environment.Error.WriteAsync($"Delete key '{keyName}' ({key.Address})? Type 'y' to confirm: ");
                var answer = await _environment.Input.ReadLineAsync(ct);
                if (!string.Equals(answer?.Trim(), "y", StringComparison.OrdinalIgnoreCase))
                {
                    throw new CliException($"key '{keyName}' not deleted");
                }
            }

            keyring.Delete(keyName);
            await _environment.Error.WriteLineAsync($"key '{keyName}' deleted");
            return 0;
        }));
        return command;
    }

    private Command Export()
    {
        var name = new Argument<string>("name") { Description = "Key name" };
        var armorPassphraseFile = new Option<string?>("--armor-passphrase-file") { Description = "Read the export passphrase from the first line of this file instead of prompting" };
        var hex = new Option<bool>("--unarmored-hex") { Description = "Print the private key as clear hex instead of armor (needs --unsafe)" };
        var unsafeOption = new Option<bool>("--unsafe") { Description = "Allow --unarmored-hex" };
        var command = new Command("export", "Print a key as ASCII armor encrypted under an export passphrase (Argon2id, XChaCha20-Poly1305)")
        {
            name, armorPassphraseFile, hex, unsafeOption,
        };
        command.SetAction(_handler.Wrap(async (parse, _) =>
        {
            var keyring = Keyring(parse);
            var keyName = parse.GetRequiredValue(name);
            if (parse.GetValue(hex))
            {
                if (!parse.GetValue(unsafeOption))
                {
                    throw new CliException("--unarmored-hex prints the key in clear: add --unsafe if that is meant");
                }

                var key = keyring.GetPrivateKey(keyName);
                await _environment.Error.WriteLineAsync(
                    "WARNING: the line below is the unencrypted private key; anyone who sees it controls the account.");
                await _environment.Output.WriteAsync(Convert.ToHexStringLower(key.ToBytes()) + "\n");
                return 0;
            }

            var armor = keyring.ExportArmor(keyName, ArmorPassphrase(parse.GetValue(armorPassphraseFile)));
            await _environment.Output.WriteAsync(armor);
            return 0;
        }));
        return command;
    }

    private Command Import()
    {
        var name = new Argument<string>("name") { Description = "Name of the new key" };
        var file = new Argument<string>("file") { Description = "Armor that `chaind keys export` wrote" };
        var armorPassphraseFile = new Option<string?>("--armor-passphrase-file") { Description = "Read the armor's passphrase from the first line of this file instead of prompting" };
        var command = new Command("import", "Import a key from encrypted armor; a wrong passphrase or changed armor writes nothing")
        {
            name, file, armorPassphraseFile,
        };
        command.SetAction(_handler.Wrap(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CliException($"{path} not found");
            }

            if (info.Length > KeyArmor.MaxBytes)
            {
                throw new CliException($"{path} is larger than {KeyArmor.MaxBytes} bytes: not key armor");
            }

            var armor = await File.ReadAllTextAsync(path, ct);
            var keyring = Keyring(parse);
            var key = keyring.ImportArmor(parse.GetRequiredValue(name), armor, ArmorPassphrase(parse.GetValue(armorPassphraseFile)));
            await _environment.Output.WriteLineAsync(key.Address);
            await _environment.Error.WriteLineAsync($"key '{key.Name}' imported into the {KeyringBackends.Name(keyring.Backend)} keyring in {keyring.Directory}");
            return 0;
        }));
        return command;
    }

    private IPassphraseSource ArmorPassphrase(string? file) =>
        file is null ? new PromptPassphrase(_environment) : FixedPassphrase.FromFile(file);
}
