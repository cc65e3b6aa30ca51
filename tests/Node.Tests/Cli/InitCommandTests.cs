using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Config;
using Chain.Node.Genesis;

namespace Chain.Node.Tests.Cli;

public sealed class InitCommandTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Init_creates_a_home_a_node_can_start_from()
    {
        using var temp = new TempHome();
        var home = new NodeHome(temp.PathOf("h"));

        var run = await CliRun.Invoke(home.Root, ["init", "--moniker", "val-1", "--chain-id", "test-7"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        Assert.True(Directory.Exists(home.DataDirectory));
        var config = NodeConfigLoader.Load(home.ConfigFile, _ => null);
        Assert.Equal("val-1", config.Moniker);
        // CliRun runs as on a testnet (CHAIND_CLIENT_KEYRING_BACKEND=test), and init records that backend.
        Assert.Equal(new NodeConfig() with { Moniker = "val-1", Client = new ClientDefaults { KeyringBackend = KeyringBackend.Test } }, config);

        var genesis = GenesisFile.Load(home.GenesisFile);
        Assert.Equal("test-7", genesis.ChainId);
        var validatorKey = KeyPairFile.Read(home.PrivValidatorKeyFile);
        var account = new Keyring(home.KeyringDirectory).Show("validator");
        var validator = GenTxCollector.Validators(genesis).Single();
        Assert.Equal(Convert.ToHexStringLower(validatorKey.PublicKey), validator.PublicKey);
        Assert.Equal(DefaultGenesis.ValidatorPower, validator.Power);
        Assert.Equal(Address.ToBech32(Address.FromBech32(account.Address), Address.ValidatorOperatorPrefix), validator.Name);

        // Its own gentx is in config/gentx, as `chaind genesis gentx` would write it.
        var nodeId = Chain.Node.P2p.Identity.NodeId.FromPublicKey(KeyPairFile.Read(home.NodeKeyFile).PublicKey);
        var gentx = GenTxFile.Read(Path.Combine(home.GenTxDirectory, $"gentx-{nodeId}.json"), "test-7");
        Assert.Equal(validatorKey.PublicKey, gentx.ConsensusPublicKey);
        Assert.Equal(DefaultGenesis.SelfDelegation, gentx.SelfDelegation);
        Assert.Equal("val-1", gentx.Moniker);
        Assert.Equal(account.Address, gentx.AccountAddress);
        var balance = BankGenesis.Section(genesis).Balances.Single();
        Assert.Equal(account.Address, balance.Address);
        Assert.Equal(1_000_000_000_000UL, balance.Coins.Single(c => c.Denom == "uchn").Amount);
        Assert.True(BankGenesis.Section(genesis).Params.SendEnabled);
        Assert.NotEqual(Convert.ToHexStringLower(KeyPairFile.Read(home.NodeKeyFile).ToBytes()), Convert.ToHexStringLower(validatorKey.ToBytes()));
        Assert.Contains(account.Address, run.Output);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Private, File.GetUnixFileMode(home.PrivValidatorKeyFile));
            Assert.Equal(Private, File.GetUnixFileMode(home.NodeKeyFile));
            Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(home.KeyringDirectory, "validator.json")));
        }
    }

    [Fact]
    public async Task Second_init_refuses_without_overwrite_and_keeps_the_keys()
    {
        using var temp = new TempHome();
        var home = new NodeHome(temp.PathOf("h"));
        await CliRun.Invoke(home.Root, ["init"]);
        var before = File.ReadAllText(home.PrivValidatorKeyFile);

        var run = await CliRun.Invoke(home.Root, ["init"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already holds a node", run.Error);
        Assert.Contains("--overwrite", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Equal(before, File.ReadAllText(home.PrivValidatorKeyFile));
    }

    [Fact]
    public async Task Init_with_overwrite_replaces_the_keys()
    {
        using var temp = new TempHome();
        var home = new NodeHome(temp.PathOf("h"));
        await CliRun.Invoke(home.Root, ["init"]);
        var before = KeyPairFile.Read(home.PrivValidatorKeyFile).PublicKey;

        var run = await CliRun.Invoke(home.Root, ["init", "--overwrite", "--chain-id", "other"]);

        Assert.Equal(0, run.ExitCode);
        var genesis = GenesisFile.Load(home.GenesisFile);
        Assert.Equal("other", genesis.ChainId);
        Assert.NotEqual(before, KeyPairFile.Read(home.PrivValidatorKeyFile).PublicKey);
        Assert.Equal(
            Address.ToBech32(new Keyring(home.KeyringDirectory).GetPrivateKey("validator").Address),
            BankGenesis.Section(genesis).Balances.Single().Address);

        // The gentx of the old keys is gone; the new one is signed for the new chain.
        var gentx = GenTxFile.Read(Assert.Single(Directory.GetFiles(home.GenTxDirectory)), "other");
        Assert.Equal(KeyPairFile.Read(home.PrivValidatorKeyFile).PublicKey, gentx.ConsensusPublicKey);
    }

    [Theory]
    [InlineData("--chain-id", "Bad_Chain")]
    [InlineData("--moniker", "")]
    public async Task Init_with_a_bad_value_writes_nothing(string flag, string value)
    {
        using var temp = new TempHome();
        var root = temp.PathOf("h");

        var run = await CliRun.Invoke(root, ["init", flag, value]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: " + flag, run.Error);
        Assert.False(Directory.Exists(root));
    }
}
