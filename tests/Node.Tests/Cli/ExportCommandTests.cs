using Chain.Client.Keys;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;

namespace Chain.Node.Tests.Cli;

/// <summary>
/// `chaind export` writes a stopped node's state as a genesis file, and `chaind init --genesis` starts a new chain
/// from it with the same state: the new chain's genesis root is the old chain's last app hash.
/// </summary>
public sealed class ExportCommandTests
{
    private static readonly string[] Attributes = ["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8"];

    [Fact]
    public async Task Exported_state_starts_a_new_chain_with_the_same_app_state_and_invariants()
    {
        using var temp = new TempHome();
        var exportPath = temp.PathOf("exported.json");
        var node = TestNode.WithRocksDb();
        try
        {
            await node.InitializeAsync();
            _ = node.FundedKey("sender");
            var provider = node.FundedKey("provider");
            var send = await node.Cli("tx", "bank", "send", "sender", provider, "1234uchn", "--broadcast-mode", "commit");
            Assert.Equal("0", send.Field("code"));
            var register = await node.Cli("tx", "market", "create-provider", "provider", "--host-uri", "https://p.example.com:8443", "--region", "eu-west",
                "--attribute", Attributes[0], "--attribute", Attributes[1], "--broadcast-mode", "commit");
            Assert.Equal("0", register.Field("code"));
            await node.StopAsync();

            var running = await CliRun.Invoke(node.Home, ["export", "--output", exportPath, "--genesis-time", "2026-11-26T00:00:00Z"]);
            Assert.True(running.ExitCode == 0, running.Error);
            Assert.Contains("Exported the state after block", running.Error);

            // The old chain's state, as its last block left it.
            var oldHome = new NodeHome(node.Home);
            byte[] lastAppHash;
            using (var old = NodeState.Open(oldHome.DataDirectory, new StateOptions(), GenesisFile.Load(oldHome.GenesisFile), ModuleCatalog.Create()))
            {
                lastAppHash = old.Executor.LastAppHash;
                Assert.Empty(old.CheckInvariants());
            }

            var exported = GenesisFile.Load(exportPath);
            Assert.Equal(node.ChainId, exported.ChainId);
            Assert.Equal(["bank", "staking", "market", "work"], exported.AppState.Select(s => s.Module));
            Assert.Contains(exported.Validators, v => v.PublicKey == Convert.ToHexStringLower(KeyPairFile.Read(oldHome.PrivValidatorKeyFile).PublicKey));

            // A new home from the exported genesis: its genesis state is the old chain's last state, key for key.
            var newHome = new NodeHome(temp.PathOf("new"));
            var init = await CliRun.Invoke(newHome.Root, ["init", "--genesis", exportPath]);
            Assert.True(init.ExitCode == 0, init.Error);
            Assert.Contains("not in the genesis validator set", init.Error);
            using (var fresh = NodeState.Open(newHome.DataDirectory, new StateOptions(), GenesisFile.Load(newHome.GenesisFile), ModuleCatalog.Create()))
            {
                Assert.Equal(0UL, fresh.Executor.LastHeight);
                Assert.Equal(Convert.ToHexString(lastAppHash), Convert.ToHexString(fresh.Executor.LastAppHash));
                Assert.Empty(fresh.CheckInvariants());
            }

            // Exporting the new chain before its first block gives the same sections back.
            var again = await CliRun.Invoke(newHome.Root, ["export", "--genesis-time", "2026-11-26T00:00:00Z"]);
            Assert.True(again.ExitCode == 0, again.Error);
            Assert.Equal(exported.AppState, GenesisFile.Parse(again.Output).AppState);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Export_of_a_node_that_never_started_says_so()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);

        var run = await CliRun.Invoke(temp.Root, ["export"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has never started", run.Error);
    }

    [Fact]
    public async Task Init_refuses_a_chain_id_beside_a_genesis_file()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.PathOf("a"), ["init"]);

        var run = await CliRun.Invoke(temp.PathOf("b"), ["init", "--genesis", Path.Combine(temp.PathOf("a"), "config", "genesis.json"), "--chain-id", "other"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--chain-id and --genesis do not go together", run.Error);
        Assert.False(File.Exists(Path.Combine(temp.PathOf("b"), "config", "genesis.json")));
    }
}
