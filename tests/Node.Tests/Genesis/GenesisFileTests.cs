using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Node.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.Modules;

namespace Chain.Node.Tests.Genesis;

public sealed class GenesisFileTests
{
    /// <summary>A valid genesis that lists its validator (the gen tx rules are in GenTxGenesisTests).</summary>
    private static GenesisDoc Valid()
    {
        var validator = PrivateKey.Generate();
        var account = PrivateKey.Generate();
        var doc = DefaultGenesis.Empty("chain-test-1", DateTimeOffset.UnixEpoch);
        doc.Validators.Add(new GenesisValidator
        {
            Name = Address.ToBech32(account.Address, Address.ValidatorOperatorPrefix),
            PublicKey = Convert.ToHexStringLower(validator.PublicKey),
            Power = 10,
        });
        Chain.Modules.Bank.Genesis.BankGenesis.Fund(doc, new Balance { Address = Address.ToBech32(account.Address), Coins = { new Coin { Denom = "uchn", Amount = DefaultGenesis.AccountFunds } } });
        return doc;
    }

    private static void Bank(GenesisDoc doc, Action<GenesisState> change) =>
        AppStateSections.Update(doc, BankModule.ModuleName, change);

    private static string Expect(GenesisDoc doc)
    {
        var e = Assert.Throws<GenesisException>(() => GenesisRules.Validate(doc));
        Assert.StartsWith("genesis.json: ", e.Message);
        return e.Message;
    }

    [Fact]
    public void Default_genesis_round_trips_through_the_file_and_validates()
    {
        using var home = new TempHome();
        var path = home.PathOf("genesis.json");
        var doc = Valid();

        GenesisFile.Write(path, doc);
        var loaded = GenesisFile.Load(path);

        Assert.Equal(doc, loaded);
        var text = File.ReadAllText(path);
        Assert.Contains("\"chain_id\": \"chain-test-1\"", text);
        Assert.Contains("\"send_enabled\": true", text);
        Assert.Contains("\n  \"", text);
    }

    [Fact]
    public void Camel_case_keys_are_accepted()
    {
        var doc = Valid();
        var camel = GenesisFile.Format(doc)
            .Replace("\"chain_id\"", "\"chainId\"", StringComparison.Ordinal)
            .Replace("\"genesis_time\"", "\"genesisTime\"", StringComparison.Ordinal)
            .Replace("\"app_state\"", "\"appState\"", StringComparison.Ordinal)
            .Replace("\"send_enabled\"", "\"sendEnabled\"", StringComparison.Ordinal);

        Assert.Contains("\"appState\"", camel);
        Assert.Equal(doc, GenesisFile.Parse(camel));
    }

    [Fact]
    public void App_state_holds_one_object_per_module_in_catalog_order()
    {
        var text = GenesisFile.Format(Valid());
        var bank = text.IndexOf("\"bank\": {", StringComparison.Ordinal);
        var staking = text.IndexOf("\"staking\": {", StringComparison.Ordinal);
        var market = text.IndexOf("\"market\": {", StringComparison.Ordinal);
        var work = text.IndexOf("\"work\": {", StringComparison.Ordinal);
        Assert.True(bank > 0 && bank < staking && staking < market && market < work, text);
    }

    [Fact]
    public void Section_of_an_unknown_module_is_rejected_naming_it()
    {
        var text = GenesisFile.Format(Valid()).Replace("\"work\": {", "\"oracle\": {", StringComparison.Ordinal);
        var e = Assert.Throws<GenesisException>(() => GenesisFile.Parse(text));
        Assert.Contains("unknown module 'app_state.oracle'", e.Message);
        Assert.Contains("bank, staking, market, work", e.Message);
    }

    [Fact]
    public void Missing_module_section_is_rejected_naming_it()
    {
        using var home = new TempHome();
        var path = home.PathOf("genesis.json");
        var doc = Valid();
        doc.AppState.RemoveAt(doc.AppState.Count - 1);
        File.WriteAllText(path, GenesisFile.Format(doc));

        var e = Assert.Throws<GenesisException>(() => GenesisFile.Load(path));
        Assert.Contains("app_state.work: the section is missing", e.Message);
    }

    [Theory]
    [InlineData("{\"chain_idd\":\"x\"}", "unknown key 'chain_idd'")]
    [InlineData("{\"app_state\":{\"bank\":{\"balances\":[{\"adress\":\"x\"}]}}}", "unknown key 'app_state.bank.balances[0].adress'")]
    [InlineData("{\"validators\":[{\"power\":\"ten\"}]}", "'validators[0].power' must be a whole number")]
    [InlineData("{\"initial_height\":-1}", "'initial_height' must be a whole number from 0")]
    [InlineData("{\"consensus_params\":[]}", "'consensus_params' must be a JSON object")]
    [InlineData("{\"chain_id\":", "not valid JSON")]
    [InlineData("[]", "the document must be a JSON object")]
    public void Malformed_documents_are_rejected_naming_the_key(string json, string expected)
    {
        var e = Assert.Throws<GenesisException>(() => GenesisFile.Parse(json));
        Assert.StartsWith("genesis.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("{\"genesis_time\":\"2026-01-01T00:00:00Z\",\"genesis_time\":\"2026-01-02T00:00:00Z\"}", "genesis_time")]
    [InlineData("{\"consensus_params\":{\"block_max_bytes\":\"1\",\"block_max_bytes\":\"2\"}}", "block_max_bytes")]
    [InlineData("{\"app_state\":{\"bank\":{},\"bank\":{}}}", "bank")]
    public void A_key_given_twice_is_a_genesis_error_naming_it(string json, string key)
    {
        // Found by the genesis fuzz target: a repeated key escaped as ArgumentException from System.Text.Json.
        var e = Assert.Throws<GenesisException>(() => GenesisFile.Parse(json));
        Assert.StartsWith("genesis.json: ", e.Message);
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Chain-1")]
    [InlineData("chain_1")]
    [InlineData("a-very-long-chain-id-that-goes-past-forty-eight-chars")]
    public void Bad_chain_id_is_rejected(string chainId)
    {
        var doc = Valid();
        doc.ChainId = chainId;
        Assert.Contains("'chain_id'", Expect(doc));
    }

    [Theory]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-01-01 00:00:00Z")]
    [InlineData("2026-01-01T00:00:00")]
    [InlineData("yesterday")]
    public void Bad_genesis_time_is_rejected(string time)
    {
        var doc = Valid();
        doc.GenesisTime = time;
        Assert.Contains("'genesis_time'", Expect(doc));
    }

    [Theory]
    [InlineData("2026-01-02T15:04:05Z")]
    [InlineData("2026-01-02T15:04:05.123456789+02:00")]
    public void Rfc3339_times_are_accepted(string time) => Assert.True(GenesisRules.TryParseTime(time, out _));

    [Fact]
    public void Zero_initial_height_is_rejected()
    {
        var doc = Valid();
        doc.InitialHeight = 0;
        Assert.Contains("'initial_height'", Expect(doc));
    }

    [Fact]
    public void Consensus_limits_are_checked()
    {
        var doc = Valid();
        doc.ConsensusParams.BlockMaxBytes = 101UL * 1024 * 1024;
        Assert.Contains("'consensus_params.block_max_bytes'", Expect(doc));

        doc = Valid();
        doc.ConsensusParams.BlockMaxGas = 0;
        Assert.Contains("'consensus_params.block_max_gas'", Expect(doc));

        doc = Valid();
        doc.ConsensusParams.TxMaxBytes = doc.ConsensusParams.BlockMaxBytes + 1;
        Assert.Contains("'consensus_params.tx_max_bytes'", Expect(doc));
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("")]
    [InlineData("04aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899")]
    public void Bad_validator_public_key_is_rejected(string hex)
    {
        var doc = Valid();
        doc.Validators[0].PublicKey = hex;
        Assert.Contains("'validators[0].public_key'", Expect(doc));
    }

    [Fact]
    public void Non_curve_point_is_rejected()
    {
        var doc = Valid();
        doc.Validators[0].PublicKey = "02" + new string('f', 64);
        Assert.Contains("'validators[0].public_key'", Expect(doc));
    }

    [Fact]
    public void Zero_power_is_rejected()
    {
        var doc = Valid();
        doc.Validators[0].Power = 0;
        Assert.Contains("'validators[0].power'", Expect(doc));
    }

    [Fact]
    public void No_validators_is_rejected()
    {
        var doc = Valid();
        doc.Validators.Clear();
        var message = Expect(doc);
        Assert.Contains("'validators' must list at least one validator, or 'gen_txs' must hold", message);
    }

    [Fact]
    public void Duplicate_validator_key_is_rejected()
    {
        var doc = Valid();
        doc.Validators.Add(new GenesisValidator { PublicKey = doc.Validators[0].PublicKey.ToUpperInvariant(), Power = 1 });
        Assert.Contains("'validators[1].public_key'", Expect(doc));
    }

    [Theory]
    [InlineData("cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")]
    [InlineData("chain1notbech32")]
    [InlineData("")]
    public void Bad_account_address_is_rejected(string address)
    {
        var doc = Valid();
        Bank(doc, b => b.Balances[0].Address = address);
        Assert.Contains("app_state.bank.balances[0].address is not a valid", Expect(doc));
    }

    [Fact]
    public void Duplicate_account_is_rejected()
    {
        var doc = Valid();
        Bank(doc, b => b.Balances.Add(b.Balances[0].Clone()));
        Assert.Contains("app_state.bank.balances[1].address", Expect(doc));
    }

    [Fact]
    public void Bad_denom_and_zero_amount_are_rejected()
    {
        var doc = Valid();
        Bank(doc, b => b.Balances[0].Coins[0].Denom = "UCHN");
        Assert.Contains("app_state.bank.balances[0].coins[0] has an invalid denomination", Expect(doc));

        doc = Valid();
        Bank(doc, b => b.Balances[0].Coins[0].Amount = 0);
        Assert.Contains("app_state.bank.balances[0].coins[0] amount must be positive", Expect(doc));
    }

    [Fact]
    public void Supply_overflow_is_rejected()
    {
        var doc = Valid();
        var other = new Balance { Address = Address.ToBech32(PrivateKey.Generate().Address) };
        other.Coins.Add(new Coin { Denom = "uchn", Amount = ulong.MaxValue });
        Bank(doc, b => b.Balances.Add(other));

        var message = Expect(doc);
        Assert.Contains("app_state.bank.balances[1]", message);
        Assert.Contains("overflow", message);
    }

    [Fact]
    public void Missing_file_is_a_genesis_error()
    {
        using var home = new TempHome();
        var e = Assert.Throws<GenesisException>(() => GenesisFile.Load(home.PathOf("none.json")));
        Assert.Contains("cannot read", e.Message);
    }
}
