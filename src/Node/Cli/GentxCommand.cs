using System.CommandLine;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.P2p.Identity;
using Chain.Proto.Staking;
using Chain.State.Types;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind genesis gentx KEY_NAME AMOUNT`: signs a create-validator genesis transaction for this node (its consensus
/// key from config/priv_validator_key.json, operated by the keyring key KEY_NAME, self-delegating AMOUNT) for the
/// home's genesis, and writes it to config/gentx/gentx-&lt;node id&gt;.json. The operator account must be funded with
/// at least AMOUNT in that genesis.
/// </summary>
internal sealed class GentxCommand
{
    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;
    private readonly KeyringOptions _keyring;

    public GentxCommand(CliEnvironment environment, CommandHandler handler, Option<string> home, KeyringOptions keyring)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
        _keyring = keyring;
    }

    public Command Build()
    {
        var keyName = new Argument<string>("key-name") { Description = "The keyring key of the validator's operator account (it signs and self-delegates)" };
        var amount = new Argument<string>("amount") { Description = $"Self-delegation, e.g. {DefaultGenesis.SelfDelegation}uchn or 10000chn (power = uchn / 10^6)" };
        var moniker = new Option<string?>("--moniker") { Description = "The validator's name (default: moniker from config.toml)" };
        var rate = new Option<string>("--commission-rate") { Description = "Initial commission rate", DefaultValueFactory = _ => DefaultGenesis.CommissionRate };
        var maxRate = new Option<string>("--commission-max-rate") { Description = "Highest commission rate the validator may ever charge", DefaultValueFactory = _ => DefaultGenesis.CommissionMaxRate };
        var maxChange = new Option<string>("--commission-max-change-rate") { Description = "Largest daily increase of the commission rate", DefaultValueFactory = _ => DefaultGenesis.CommissionMaxChangeRate };
        var minSelf = new Option<ulong>("--min-self-delegation") { Description = "Least uchn the operator keeps delegated to its validator", DefaultValueFactory = _ => DefaultGenesis.MinSelfDelegation };
        var chainId = new Option<string?>("--chain-id") { Description = "Chain id signed over (default: genesis.json's; when given, it must be genesis.json's)" };
        var output = new Option<string?>("--output-document") { Description = "Write the gentx here instead of config/gentx/gentx-<node id>.json" };
        var command = new Command("gentx", "Sign a genesis transaction that creates this node's validator and self-delegates AMOUNT")
        {
            keyName, amount, moniker, rate, maxRate, maxChange, minSelf, chainId, output,
        };
        command.SetAction(_handler.Wrap((parse, _) => Task.FromResult(Run(
            new NodeHome(parse.GetRequiredValue(_home)),
            () => _keyring.Passphrases(parse, _environment),
            _keyring.TypedBackend(parse),
            parse.GetRequiredValue(keyName),
            parse.GetRequiredValue(amount),
            parse.GetValue(moniker),
            new CommissionRates
            {
                Rate = Rate(parse.GetRequiredValue(rate), "--commission-rate"),
                MaxRate = Rate(parse.GetRequiredValue(maxRate), "--commission-max-rate"),
                MaxChangeRate = Rate(parse.GetRequiredValue(maxChange), "--commission-max-change-rate"),
            },
            parse.GetValue(minSelf),
            parse.GetValue(chainId),
            parse.GetValue(output)))));
        return command;
    }

    private int Run(NodeHome home, Func<IPassphraseSource> passphrases, KeyringBackend? backend, string keyName, string amountText, string? moniker, CommissionRates commission, ulong minSelfDelegation, string? chainId, string? output)
    {
        var genesis = GenesisCommand.LoadDraft(home);
        if (chainId is not null && chainId != genesis.ChainId)
        {
            throw new CliException($"--chain-id '{chainId}' is not the chain id of {home.GenesisFile} ('{genesis.ChainId}'); a gentx is signed for the genesis it joins");
        }

        var amount = SelfDelegation(amountText);
        var commissionError = GenTx.CheckCommission(commission);
        if (commissionError.Length > 0)
        {
            throw new CliException($"{commissionError} (--commission-rate, --commission-max-rate, --commission-max-change-rate)");
        }

        if (minSelfDelegation == 0 || minSelfDelegation > amount)
        {
            throw new CliException($"--min-self-delegation {minSelfDelegation} must be from 1 to the self-delegation {amount}{Coins.BaseDenom}");
        }

        var name = moniker ?? (File.Exists(home.ConfigFile) ? NodeConfigLoader.Load(home.ConfigFile, _environment.GetEnvironmentVariable).Moniker : keyName);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CliException("--moniker must not be empty");
        }

        var accountKey = HomeKeyring.Open(home, backend, passphrases(), _environment.GetEnvironmentVariable).GetPrivateKey(keyName);
        var account = Address.ToBech32(accountKey.Address);
        var funds = GenTxCollector.Funds(genesis, account);
        if (funds < amount)
        {
            throw new CliException(
                $"account {account} (key '{keyName}') holds {funds}{Coins.BaseDenom} in {home.GenesisFile}, less than the {amount}{Coins.BaseDenom} it would self-delegate; "
                + $"fund it first: chaind genesis add-genesis-account {account} {amount}{Coins.BaseDenom}");
        }

        var consensusKey = KeyPairFile.Read(home.PrivValidatorKeyFile);
        var gentx = GenTx.Create(accountKey, consensusKey.PublicKey, genesis.ChainId, amount, new Description { Moniker = name }, commission, minSelfDelegation);
        if (GenTx.TryDecode(gentx.Bytes, genesis.ChainId, out var error) is null)
        {
            throw new CliException($"the gentx {error}");
        }

        var path = output is not null
            ? Path.GetFullPath(output)
            : GenTxFile.PathFor(home.GenTxDirectory, File.Exists(home.NodeKeyFile) ? NodeId.FromPublicKey(KeyPairFile.Read(home.NodeKeyFile).PublicKey).ToString() : account);
        GenTxFile.Write(path, gentx);
        _environment.Output.WriteLine($"Genesis transaction written to {path}");
        _environment.Output.WriteLine($"  validator: {gentx.ValidatorAddress} ({name}), consensus key {Convert.ToHexStringLower(gentx.ConsensusPublicKey)}");
        _environment.Output.WriteLine($"  self-delegation: {amount}{Coins.BaseDenom} (power {gentx.Power}), commission {commission.Rate} (max {commission.MaxRate}, max change {commission.MaxChangeRate})");
        _environment.Output.WriteLine($"Collect it into the network's genesis with: chaind genesis collect-gentxs --home <coordinator home> (after copying it to that home's config/gentx)");
        return 0;
    }

    /// <summary>AMOUNT as uchn: one coin, in uchn or chn, above 0.</summary>
    private static ulong SelfDelegation(string text)
    {
        var coins = ClientInput.Coins(text, "amount", allowZero: false);
        if (coins.Count != 1 || coins[0].Denom != Coins.BaseDenom)
        {
            throw new CliException($"invalid amount '{text}': a self-delegation is one amount of {Coins.BaseDenom} (or {Coins.DisplayDenom}), e.g. {DefaultGenesis.SelfDelegation}{Coins.BaseDenom}");
        }

        return coins[0].Amount;
    }

    /// <summary>A commission rate as the 18-place decimal the message carries ("0.1" → "0.100000000000000000").</summary>
    private static string Rate(string text, string option) =>
        Dec.TryParse(text, out var value)
            ? value.ToString()
            : throw new CliException($"{option} '{text}' must be a decimal such as 0.10 (at most {Dec.Precision} places)");
}
