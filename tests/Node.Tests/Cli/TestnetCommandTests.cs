using Chain.Client.Keys;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.P2p.Identity;

namespace Chain.Node.Tests.Cli;

public sealed class TestnetCommandTests
{
    [Fact]
    public async Task Testnet_init_writes_homes_that_share_a_genesis_and_list_each_other_as_peers()
    {
        using var temp = new TempHome();
        var output = temp.PathOf("net");

        var run = await CliRun.Invoke(temp.PathOf("unused"), ["testnet", "init", "--validators", "4", "--output", output, "--chain-id", "tn-1", "--base-port", "30000"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        var homes = Enumerable.Range(0, 4).Select(i => new NodeHome(Path.Combine(output, "node" + i))).ToArray();
        var configs = homes.Select(h => NodeConfigLoader.Load(h.ConfigFile, _ => null)).ToArray();
        var genesisTexts = homes.Select(h => File.ReadAllText(h.GenesisFile)).ToArray();
        Assert.All(genesisTexts, t => Assert.Equal(genesisTexts[0], t));
        var genesis = GenesisFile.Load(homes[0].GenesisFile);
        GenesisRules.Validate(genesis);
        Assert.Equal("tn-1", genesis.ChainId);
        var validators = GenTxCollector.Validators(genesis);
        Assert.Equal(4, validators.Count);
        Assert.All(validators, v => Assert.Equal(DefaultGenesis.ValidatorPower, v.Power));

        var nodeIds = homes.Select(h => NodeId.FromPublicKey(KeyPairFile.Read(h.NodeKeyFile).PublicKey)).ToArray();
        Assert.Equal(4, nodeIds.Distinct().Count());
        for (var i = 0; i < 4; i++)
        {
            var validatorKey = KeyPairFile.Read(homes[i].PrivValidatorKeyFile);
            Assert.Contains(validators, v => v.PublicKey == Convert.ToHexStringLower(validatorKey.PublicKey));
            var account = new Keyring(homes[i].KeyringDirectory).Show("validator");
            var gentx = GenTxFile.Read(Path.Combine(output, "gentxs", $"gentx-{nodeIds[i]}.json"), "tn-1");
            Assert.Equal(("node" + i, account.Address, Convert.ToHexString(validatorKey.PublicKey)), (gentx.Moniker, gentx.AccountAddress, Convert.ToHexString(gentx.ConsensusPublicKey)));
            Assert.Contains(BankGenesis.Section(genesis).Balances, b => b.Address == account.Address && b.Coins.Single().Amount == DefaultGenesis.AccountFunds);

            var config = configs[i];
            Assert.Equal("node" + i, config.Moniker);
            Assert.Equal(TimeSpan.FromMilliseconds(500), config.Consensus.TimeoutCommit);
            var expectedPeers = Enumerable.Range(0, 4).Where(j => j != i)
                .Select(j => $"{nodeIds[j]}@127.0.0.1:{configs[j].P2p.ListenAddress.Port}");
            Assert.Equal(expectedPeers, config.P2p.PersistentPeers);
            Assert.All(config.P2p.PersistentPeers, p => Assert.True(PeerAddress.TryParse(p, out _)));
        }

        // The gentx files make the same validators again when collected.
        var collect = await CliRun.Invoke(homes[0].Root, ["genesis", "collect-gentxs", "--gentx-dir", Path.Combine(output, "gentxs")]);
        Assert.True(collect.ExitCode == 0, collect.Error);
        var collected = GenesisFile.Load(homes[0].GenesisFile);
        Assert.Equal(4, collected.GenTxs.Count);
        Assert.Equal(validators.Order(), GenTxCollector.Validators(collected).Order());

        var ports = configs.SelectMany(c => new[] { c.P2p.ListenAddress, c.Grpc.Address, c.Metrics.Address }).ToArray();
        Assert.All(ports, a => Assert.Equal("127.0.0.1", a.Host));
        Assert.Equal(12, ports.Select(a => a.Port).Distinct().Count());
        Assert.Equal(30000, configs[0].P2p.ListenAddress.Port);
        Assert.Contains(nodeIds[3].ToString(), run.Output);
    }

    [Fact]
    public async Task Testnet_init_refuses_to_overwrite_homes_unless_asked()
    {
        using var temp = new TempHome();
        var output = temp.PathOf("net");
        string[] args = ["testnet", "init", "--validators", "2", "--output", output, "--base-port", "31000"];
        Assert.Equal(0, (await CliRun.Invoke(temp.Root, args)).ExitCode);
        var before = File.ReadAllText(Path.Combine(output, "node1", "config", "genesis.json"));

        var again = await CliRun.Invoke(temp.Root, args);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--overwrite", again.Error);
        Assert.Equal(before, File.ReadAllText(Path.Combine(output, "node1", "config", "genesis.json")));

        var replaced = await CliRun.Invoke(temp.Root, [.. args, "--overwrite"]);
        Assert.Equal(0, replaced.ExitCode);
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(output, "node1", "config", "genesis.json")));
    }

    [Theory]
    [InlineData("--validators", "0", "--validators 0")]
    [InlineData("--base-port", "65530", "--base-port 65530")]
    [InlineData("--chain-id", "Bad_Id", "--chain-id 'Bad_Id'")]
    public async Task Testnet_init_rejects_bad_arguments_before_writing(string option, string value, string message)
    {
        using var temp = new TempHome();
        var output = temp.PathOf("net");

        var run = await CliRun.Invoke(temp.Root, ["testnet", "init", "--output", output, option, value]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.False(Directory.Exists(output));
    }
}
