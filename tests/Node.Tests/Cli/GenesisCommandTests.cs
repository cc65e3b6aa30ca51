using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Tests.Modules;
using Chain.State.Modules;
using Google.Protobuf.WellKnownTypes;

namespace Chain.Node.Tests.Cli;

/// <summary>
/// `chaind genesis add-genesis-account | gentx | collect-gentxs`: a coordinator funds the validators' accounts, each
/// validator signs a gentx on its own home with that genesis, and the coordinator collects the gentx files.
/// </summary>
public sealed class GenesisCommandTests
{
    private const string ChainId = "gen-1";

    private static async Task<NodeHome> Init(TempHome temp, string name, string chainId = ChainId)
    {
        var home = new NodeHome(temp.PathOf(name));
        var run = await CliRun.Invoke(home.Root, ["init", "--moniker", name, "--chain-id", chainId]);
        Assert.True(run.ExitCode == 0, run.Error);
        return home;
    }

    private static string AccountOf(NodeHome home) => new Keyring(home.KeyringDirectory).Show("validator").Address;

    private static string OwnGenTx(NodeHome home) =>
        Path.Combine(home.GenTxDirectory, $"gentx-{Chain.Node.P2p.Identity.NodeId.FromPublicKey(KeyPairFile.Read(home.NodeKeyFile).PublicKey)}.json");

    private static async Task<CliRun> Ok(NodeHome home, params string[] args)
    {
        var run = await CliRun.Invoke(home.Root, args);
        Assert.True(run.ExitCode == 0, run.Error);
        return run;
    }

    private static async Task<string> Fails(NodeHome home, params string[] args)
    {
        var run = await CliRun.Invoke(home.Root, args);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error);
        return run.Error;
    }

    /// <summary>Coordinator "a" and validator "b": b's account funded in a's genesis, b's gentx signed on it and copied to a.</summary>
    private static async Task<(NodeHome A, NodeHome B)> TwoValidatorNetwork(TempHome temp)
    {
        var a = await Init(temp, "a");
        var b = await Init(temp, "b");
        await Ok(a, "genesis", "add-genesis-account", AccountOf(b), "20000000000uchn");
        File.Copy(a.GenesisFile, b.GenesisFile, overwrite: true);
        await Ok(b, "genesis", "gentx", "validator", "7000000000uchn", "--chain-id", ChainId);
        File.Copy(OwnGenTx(b), Path.Combine(a.GenTxDirectory, Path.GetFileName(OwnGenTx(b))));
        return (a, b);
    }

    [Fact]
    public async Task Gentx_signs_a_create_validator_tx_with_the_node_s_consensus_key_into_config_gentx()
    {
        using var temp = new TempHome();
        var home = await Init(temp, "h");
        File.Delete(OwnGenTx(home));

        var run = await Ok(home, "genesis", "gentx", "validator", "5000chn", "--moniker", "my-val", "--commission-rate", "0.05",
            "--commission-max-rate", "0.5", "--commission-max-change-rate", "0.02", "--min-self-delegation", "1000000");

        var gentx = GenTxFile.Read(OwnGenTx(home), ChainId);
        Assert.Contains(OwnGenTx(home), run.Output);
        Assert.Equal(KeyPairFile.Read(home.PrivValidatorKeyFile).PublicKey, gentx.ConsensusPublicKey);
        Assert.Equal(AccountOf(home), gentx.AccountAddress);
        Assert.Equal(Address.ToBech32(Address.FromBech32(AccountOf(home)), Address.ValidatorOperatorPrefix), gentx.ValidatorAddress);
        Assert.Equal((5_000_000_000UL, 5000L, "my-val", 1_000_000UL), (gentx.SelfDelegation, gentx.Power, gentx.Moniker, gentx.Message.MinSelfDelegation));
        Assert.Equal(("0.050000000000000000", "0.500000000000000000", "0.020000000000000000"),
            (gentx.Message.Commission.Rate, gentx.Message.Commission.MaxRate, gentx.Message.Commission.MaxChangeRate));
        var tx = Proto.Types.Tx.Parser.ParseFrom(gentx.Bytes);
        Assert.Equal((0UL, GenTx.GasLimit, 0), (tx.AuthInfo.Signer.Sequence, tx.AuthInfo.Fee.GasLimit, tx.AuthInfo.Fee.Amount.Count));
    }

    [Fact]
    public async Task Gentx_takes_the_moniker_from_config_and_can_write_elsewhere()
    {
        using var temp = new TempHome();
        var home = await Init(temp, "named");
        var path = temp.PathOf("out/my-gentx.json");

        await Ok(home, "genesis", "gentx", "validator", "1000000uchn", "--output-document", path);

        Assert.Equal("named", GenTxFile.Read(path, ChainId).Moniker);
    }

    [Theory]
    [InlineData("nobody", "1000000uchn", new string[0], "key 'nobody' not found")]
    [InlineData("validator", "2000000000000uchn", new string[0], "less than the 2000000000000uchn it would self-delegate; fund it first: chaind genesis add-genesis-account")]
    [InlineData("validator", "lots", new string[0], "invalid amount")]
    [InlineData("validator", "0uchn", new string[0], "amounts must be above 0")]
    [InlineData("validator", "5atom", new string[0], "a self-delegation is one amount of uchn")]
    [InlineData("validator", "1000000uchn", new[] { "--commission-rate", "0.3" }, "commission rate 0.300000000000000000 must be from 0 to the max rate 0.200000000000000000")]
    [InlineData("validator", "1000000uchn", new[] { "--commission-max-rate", "1.5" }, "commission max rate 1.500000000000000000 must be from 0 to 1")]
    [InlineData("validator", "1000000uchn", new[] { "--commission-max-change-rate", "0.25" }, "max change rate")]
    [InlineData("validator", "1000000uchn", new[] { "--commission-rate", "ten" }, "--commission-rate 'ten' must be a decimal")]
    [InlineData("validator", "1000000uchn", new[] { "--min-self-delegation", "0" }, "--min-self-delegation 0 must be from 1")]
    [InlineData("validator", "1000000uchn", new[] { "--min-self-delegation", "1000001" }, "--min-self-delegation 1000001 must be from 1")]
    [InlineData("validator", "1000000uchn", new[] { "--chain-id", "other" }, "--chain-id 'other' is not the chain id")]
    [InlineData("validator", "1000000uchn", new[] { "--moniker", " " }, "--moniker must not be empty")]
    public async Task Gentx_refuses_bad_input_and_writes_nothing(string key, string amount, string[] options, string message)
    {
        using var temp = new TempHome();
        var home = await Init(temp, "h");
        File.Delete(OwnGenTx(home));

        var error = await Fails(home, ["genesis", "gentx", key, amount, .. options]);

        Assert.Contains(message, error);
        Assert.Empty(Directory.GetFiles(home.GenTxDirectory));
    }

    [Fact]
    public async Task Gentx_without_a_genesis_or_a_consensus_key_says_what_is_missing()
    {
        using var temp = new TempHome();
        Assert.Contains("no genesis at", await Fails(new NodeHome(temp.PathOf("none")), "genesis", "gentx", "validator", "1uchn"));

        var home = await Init(temp, "h");
        File.Delete(home.PrivValidatorKeyFile);
        Assert.Contains("priv_validator_key.json: key file not found", await Fails(home, "genesis", "gentx", "validator", "1000000uchn"));
    }

    [Fact]
    public async Task Add_genesis_account_funds_an_address_or_a_key_and_adds_only_when_asked()
    {
        using var temp = new TempHome();
        var home = await Init(temp, "h");
        var other = Address.ToBech32(PrivateKey.Generate().Address);
        await Ok(home, "keys", "add", "alice");
        var alice = new Keyring(home.KeyringDirectory).Show("alice").Address;

        await Ok(home, "genesis", "add-genesis-account", other, "5chn,7uatom");
        await Ok(home, "genesis", "add-genesis-account", "alice", "100uchn");
        var again = await Fails(home, "genesis", "add-genesis-account", other, "1uchn");
        await Ok(home, "genesis", "add-genesis-account", other, "1uchn", "--append");

        var genesis = GenesisFile.Load(home.GenesisFile);
        Assert.Contains("already holds 5000000uchn,7uatom in genesis.json; pass --append", again);
        Assert.Equal(5_000_001UL, GenTxCollector.Funds(genesis, other));
        Assert.Equal(7UL, BankGenesis.Section(genesis).Balances.Single(b => b.Address == other).Coins.Single(c => c.Denom == "uatom").Amount);
        Assert.Equal(100UL, GenTxCollector.Funds(genesis, alice));
    }

    [Theory]
    [InlineData("cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "10uchn", "is neither a 'chain' address")]
    [InlineData("nobody", "10uchn", "is neither a 'chain' address")]
    [InlineData("VALID", "0uchn", "amounts must be above 0")]
    [InlineData("VALID", "10", "must be a number followed by a denomination")]
    public async Task Add_genesis_account_refuses_bad_input(string address, string amount, string message)
    {
        using var temp = new TempHome();
        var home = await Init(temp, "h");
        var before = File.ReadAllText(home.GenesisFile);

        var error = await Fails(home, "genesis", "add-genesis-account", address == "VALID" ? Address.ToBech32(PrivateKey.Generate().Address) : address, amount);

        Assert.Contains(message, error);
        Assert.Equal(before, File.ReadAllText(home.GenesisFile));
    }

    [Fact]
    public async Task Collect_gentxs_puts_every_gentx_into_gen_txs_sorted_and_clears_the_validators()
    {
        using var temp = new TempHome();
        var (a, b) = await TwoValidatorNetwork(temp);

        var run = await Ok(a, "genesis", "collect-gentxs");

        var genesis = GenesisFile.Load(a.GenesisFile);
        Assert.Empty(genesis.Validators);
        Assert.Equal(2, genesis.GenTxs.Count);
        var gentxs = genesis.GenTxs.Select(t => GenTx.TryDecode(t.ToByteArray(), ChainId, out _)!).ToArray();
        Assert.Equal(gentxs.Select(g => g.Operator).Order(State.Storage.ByteArrayComparer.Instance), gentxs.Select(g => g.Operator));
        Assert.Equal(
            new[] { (AccountOf(a), DefaultGenesis.SelfDelegation), (AccountOf(b), 7_000_000_000UL) }.Order(),
            gentxs.Select(g => (g.AccountAddress, g.SelfDelegation)).Order());
        Assert.Contains("Collected 2 gentxs", run.Output);
        if (!GenTx.IsHandledBy(ModuleCatalog.Create()))
        {
            Assert.Contains("do not handle /chain.staking.v1.MsgCreateValidator yet", run.Error);
        }

        // Collecting the same files again writes the same genesis.
        var text = File.ReadAllText(a.GenesisFile);
        await Ok(a, "genesis", "collect-gentxs");
        Assert.Equal(text, File.ReadAllText(a.GenesisFile));
    }

    [Fact]
    public async Task A_collected_genesis_opens_with_the_gentx_validators_on_a_chain_that_creates_validators()
    {
        using var temp = new TempHome();
        var (a, b) = await TwoValidatorNetwork(temp);
        await Ok(a, "genesis", "collect-gentxs");
        var modules = CreateValidatorModule.ChainModules();
        var genesis = GenesisFile.Parse(File.ReadAllText(a.GenesisFile), modules: modules);
        if (modules.Find(CreateValidatorModule.ModuleName) is not null)
        {
            AppStateSections.Set(genesis, CreateValidatorModule.ModuleName, new Empty());
        }

        using var app = NodeState.Open(a.DataDirectory, new StateOptions { Backend = StateBackend.Memory }, genesis, modules);

        Assert.Equal(
            new[] { (KeyPairFile.Read(a.PrivValidatorKeyFile).PublicKey, 10_000L), (KeyPairFile.Read(b.PrivValidatorKeyFile).PublicKey, 7_000L) }
                .Select(v => (Convert.ToHexStringLower(v.Item1), v.Item2)).Order(),
            app.GenesisValidators.Select(v => (Convert.ToHexStringLower(v.PublicKey), v.Power)).Order());
    }

    [Fact]
    public async Task A_collected_genesis_opens_with_the_gentx_validators_on_the_node_s_own_chain()
    {
        using var temp = new TempHome();
        var (a, b) = await TwoValidatorNetwork(temp);
        await Ok(a, "genesis", "collect-gentxs");

        using var app = NodeState.Open(a.DataDirectory, new StateOptions { Backend = StateBackend.Memory }, GenesisFile.Load(a.GenesisFile), ModuleCatalog.Create());

        Assert.Equal(
            new[] { (KeyPairFile.Read(a.PrivValidatorKeyFile).PublicKey, 10_000L), (KeyPairFile.Read(b.PrivValidatorKeyFile).PublicKey, 7_000L) }
                .Select(v => (Convert.ToHexStringLower(v.Item1), v.Item2)).Order(),
            app.GenesisValidators.Select(v => (Convert.ToHexStringLower(v.PublicKey), v.Power)).Order());
    }

    [Fact]
    public async Task Collect_gentxs_refuses_bad_files_naming_them_and_leaves_genesis_alone()
    {
        using var temp = new TempHome();
        var (a, b) = await TwoValidatorNetwork(temp);
        var before = File.ReadAllText(a.GenesisFile);
        var bFile = Path.Combine(a.GenTxDirectory, Path.GetFileName(OwnGenTx(b)));
        var bText = File.ReadAllText(bFile);

        async Task<string> With(string name, string content)
        {
            var path = Path.Combine(a.GenTxDirectory, name);
            File.WriteAllText(path, content);
            var error = await Fails(a, "genesis", "collect-gentxs");
            File.Delete(path);
            Assert.Equal(before, File.ReadAllText(a.GenesisFile));
            return error;
        }

        Assert.Contains("zz.json: not a gentx file", await With("zz.json", "not json"));
        Assert.Contains("zz.json: not a gentx file", await With("zz.json", "{\"tx\": \"AA==\", \"extra\": 1}"));
        Assert.Contains("zz.json: 'tx' is missing", await With("zz.json", "{}"));
        Assert.Contains("zz.json: 'tx' is not base64", await With("zz.json", "{\"tx\": \"!!\"}"));
        Assert.Contains("zz.json: the tx is not a", await With("zz.json", "{\"tx\": \"AQID\"}"));
        var otherValidator = Address.ToBech32(PrivateKey.Generate().Address, Address.ValidatorOperatorPrefix);
        var relabelled = System.Text.RegularExpressions.Regex.Replace(bText, "\"validator_address\": \"[^\"]+\"", $"\"validator_address\": \"{otherValidator}\"");
        Assert.Contains($"zz.json: 'validator_address' {otherValidator} is not the tx's validator", await With("zz.json", relabelled));
        Assert.Contains("already has a gentx in", await With("zz.json", bText));

        // Signed for another chain.
        var c = await Init(temp, "c", "other-chain");
        Assert.Contains("has no valid signature for chain 'gen-1'", await With("zz.json", File.ReadAllText(OwnGenTx(c))));

        // An operator the genesis does not fund.
        File.Copy(a.GenesisFile, c.GenesisFile, overwrite: true);
        var unfunded = await Fails(c, "genesis", "gentx", "validator", "1000000uchn");
        Assert.Contains("fund it first", unfunded);
        await Ok(c, "genesis", "add-genesis-account", AccountOf(c), "1000000uchn");
        await Ok(c, "genesis", "gentx", "validator", "1000000uchn");
        Assert.Contains($"add-genesis-account {AccountOf(c)} 1000000uchn", await With("zz.json", File.ReadAllText(OwnGenTx(c))));
    }

    [Fact]
    public async Task Collect_gentxs_needs_a_directory_with_gentx_files()
    {
        using var temp = new TempHome();
        var home = await Init(temp, "h");

        Assert.Contains("does not exist", await Fails(home, "genesis", "collect-gentxs", "--gentx-dir", temp.PathOf("missing")));
        Directory.CreateDirectory(temp.PathOf("empty"));
        Assert.Contains("no gentx files (*.json) in", await Fails(home, "genesis", "collect-gentxs", "--gentx-dir", temp.PathOf("empty")));
    }
}
