using System.CommandLine;
using System.Text.Json;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Node.Config;

namespace Chain.Node.Cli;

/// <summary>`chaind keys add|list|show|export`: the file test keyring under &lt;home&gt;/keyring.</summary>
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

    public KeysCommand(CliEnvironment environment, CommandHandler handler, Option<string> home)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
    }

    public Command Build()
    {
        var keys = new Command(
            "keys",
            "Manage keys in the home's keyring. The keyring is an UNENCRYPTED test keyring (like --keyring-backend test): do not hold real funds with it.");
        keys.Add(Add());
        keys.Add(List());
        keys.Add(Show());
        keys.Add(Export());
        return keys;
    }

    private Keyring Keyring(ParseResult parse) => new(new NodeHome(parse.GetRequiredValue(_home)).KeyringDirectory);

    private Command Add()
    {
        var name = new Argument<string>("name") { Description = "Key name: " + Chain.Client.Keys.Keyring.NameRule };
        var recover = new Option<bool>("--recover") { Description = "Read a hex private key from stdin instead of creating one" };
        var command = new Command("add", "Create a key (or recover one) and print its address") { name, recover };
        command.SetAction(_handler.Wrap(async (parse, ct) =>
        {
            var keyring = Keyring(parse);
            var keyName = parse.GetRequiredValue(name);
            KeyInfo info;
            if (parse.GetValue(recover))
            {
                var line = await _environment.Input.ReadLineAsync(ct)
                    ?? throw new CliException("--recover reads a hex private key from stdin, but stdin is empty");
                info = keyring.Import(keyName, KeyPairFile.ParsePrivateKey(line, "stdin"));
            }
            else
            {
                info = keyring.Add(keyName);
            }

            await _environment.Output.WriteLineAsync(info.Address);
            await _environment.Error.WriteLineAsync($"key '{keyName}' saved unencrypted in {keyring.Directory}");
            return 0;
        }));
        return command;
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
        var command = new Command("show", "Show a key's address and public key") { name, addressOnly, output };
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

    private Command Export()
    {
        var name = new Argument<string>("name") { Description = "Key name" };
        var command = new Command("export", "Print a key's private key (hex)") { name };
        command.SetAction(_handler.Wrap(async (parse, _) =>
        {
            var key = Keyring(parse).GetPrivateKey(parse.GetRequiredValue(name));
            await _environment.Error.WriteLineAsync(
                "WARNING: the line below is the unencrypted private key; anyone who sees it controls the account.");
            await _environment.Output.WriteLineAsync(Convert.ToHexStringLower(key.ToBytes()));
            return 0;
        }));
        return command;
    }
}
