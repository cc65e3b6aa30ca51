using System.CommandLine;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind genesis add-genesis-account | gentx | collect-gentxs`: assembling a new network's genesis.json, as the
/// Cosmos SDK's `simd genesis` does. The coordinator funds every validator's operator account; each validator signs
/// a gentx on its own home with that genesis; the coordinator collects the gentx files into gen_txs.
/// </summary>
internal sealed class GenesisCommand
{
    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;
    private readonly KeyringOptions _keyring;

    public GenesisCommand(CliEnvironment environment, CommandHandler handler, Option<string> home, KeyringOptions keyring)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
        _keyring = keyring;
    }

    public Command Build()
    {
        var genesis = new Command("genesis", "Assemble a new network's genesis.json: fund accounts, sign and collect genesis transactions (gentx)");
        genesis.Add(AddGenesisAccount());
        genesis.Add(new GentxCommand(_environment, _handler, _home, _keyring).Build());
        genesis.Add(new CollectGentxsCommand(_environment, _handler, _home).Build());
        return genesis;
    }

    /// <summary>The home's genesis.json, parsed and checked except for validators (it may still be being assembled).</summary>
    internal static GenesisDoc LoadDraft(NodeHome home)
    {
        if (!File.Exists(home.GenesisFile))
        {
            throw new CliException($"no genesis at {home.GenesisFile}; run `chaind init --home {home.Root}` first");
        }

        return GenesisFile.Load(home.GenesisFile, draft: true);
    }

    /// <summary>A genesis only takes effect on a fresh data directory: say so when the home already has chain data.</summary>
    internal static void WarnIfStarted(CliEnvironment environment, NodeHome home)
    {
        if (Directory.Exists(home.DataDirectory) && Directory.EnumerateFileSystemEntries(home.DataDirectory).Any())
        {
            environment.Error.WriteLine($"Warning: {home.DataDirectory} holds chain data from an earlier genesis; wipe it before `chaind start`");
        }
    }

    private Command AddGenesisAccount()
    {
        var address = new Argument<string>("address") { Description = $"The account: a '{Address.AccountPrefix}' address or the name of a key in the home's keyring" };
        var amount = new Argument<string>("amount") { Description = "Coins it holds at genesis, e.g. 20000000000uchn or 20000chn (comma-separated for several denominations)" };
        var append = new Option<bool>("--append") { Description = "Add to the account's balance when genesis already funds it" };
        var command = new Command("add-genesis-account", "Fund an account in genesis.json's bank section") { address, amount, append };
        command.SetAction(_handler.Wrap((parse, _) =>
        {
            var home = new NodeHome(parse.GetRequiredValue(_home));
            var doc = LoadDraft(home);
            var account = ResolveAccount(
                HomeKeyring.Open(home, _keyring.TypedBackend(parse), _keyring.Passphrases(parse, _environment), _environment.GetEnvironmentVariable),
                parse.GetRequiredValue(address));
            var coins = ClientInput.Coins(parse.GetRequiredValue(amount), "amount", allowZero: false);
            var bank = BankGenesis.Section(doc);
            var existing = bank.Balances.FirstOrDefault(b => b.Address == account);
            if (existing is not null && !parse.GetValue(append))
            {
                throw new CliException(
                    $"{account} already holds {string.Join(",", existing.Coins.Select(Coins.Format))} in genesis.json; pass --append to add {string.Join(",", coins.Select(Coins.Format))} to it");
            }

            if (existing is null)
            {
                existing = new Balance { Address = account };
                bank.Balances.Add(existing);
            }

            foreach (var coin in coins)
            {
                var held = existing.Coins.FirstOrDefault(c => c.Denom == coin.Denom);
                if (held is null)
                {
                    existing.Coins.Add(coin);
                }
                else if (held.Amount + coin.Amount < held.Amount)
                {
                    throw new CliException($"{account}: {held.Amount}{coin.Denom} + {coin.Amount}{coin.Denom} does not fit in 64 bits");
                }
                else
                {
                    held.Amount += coin.Amount;
                }
            }

            AppStateSections.Set(doc, Modules.Bank.BankModule.ModuleName, bank);
            try
            {
                GenesisRules.Validate(doc, "genesis.json", draft: true);
            }
            catch (GenesisException e)
            {
                throw new CliException($"{account} {parse.GetRequiredValue(amount)}: {e.Message}", e);
            }

            GenesisFile.Write(home.GenesisFile, doc);
            _environment.Output.WriteLine($"Funded {account} with {string.Join(",", coins.Select(Coins.Format))} in {home.GenesisFile}");
            WarnIfStarted(_environment, home);
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>A bech32 account address as given, or the address of the keyring key of that name.</summary>
    private static string ResolveAccount(Keyring keyring, string text)
    {
        if (Address.TryFromBech32(text, out _, out var error))
        {
            return text;
        }

        if (Keyring.IsValidName(text) && keyring.Contains(text))
        {
            return keyring.Show(text).Address;
        }

        throw new CliException($"'{text}' is neither a '{Address.AccountPrefix}' address ({error}) nor a key in {keyring.Directory}");
    }
}
