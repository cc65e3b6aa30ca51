using Chain.Client.Keys;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;
using Chain.Node.Tests.Cli;
using Chain.Node.Tests.P2p;
using Chain.Proto.NodeService;
using Chain.State.Modules;
using Grpc.Net.Client;
using Serilog.Events;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A real node started from a genesis whose only validator comes from a gen tx (no `validators` list): the chain
/// delivers the gen tx at genesis, the module that handles it names the validator, and that validator commits blocks.
/// </summary>
public sealed class GenTxNodeTests
{
    [Fact]
    public async Task A_node_whose_validator_comes_from_a_gentx_commits_blocks_with_it()
    {
        using var temp = new TempHome();
        var output = temp.PathOf("net");
        var init = await CliRun.Invoke(temp.Root, ["testnet", "init", "--validators", "1", "--output", output, "--chain-id", "gentx-node", "--base-port", Loopback.FreeBasePort(1).ToString()]);
        Assert.True(init.ExitCode == 0, init.Error);
        var home = new NodeHome(Path.Combine(output, "node0"));
        static ModuleSet Modules() => CreateValidatorModule.ChainModules();

        // The home's own keys, in a genesis built for a chain that has a create-validator handler.
        var validatorKey = KeyPairFile.Read(home.PrivValidatorKeyFile);
        var accountKey = new Keyring(home.KeyringDirectory).GetPrivateKey("validator");
        var (built, _) = DefaultGenesis.Create("gentx-node", [new GenesisOperator(accountKey, validatorKey.PublicKey, "node0")], DateTimeOffset.UtcNow, Modules());
        GenesisFile.Write(home.GenesisFile, built, Modules());
        var genesis = GenesisFile.Load(home.GenesisFile, Modules());
        Assert.Empty(genesis.Validators);
        Assert.Single(genesis.GenTxs);

        var config = NodeConfigLoader.Load(home.ConfigFile, _ => null) with
        {
            Metrics = new MetricsOptions { Enabled = false },
            State = new StateOptions { Backend = StateBackend.Memory },
            Log = new LogOptions { Level = LogEventLevel.Warning },
        };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => NodeRunner.RunAsync(home, config, genesis, validatorKey, stop.Token, Modules()));
        using var channel = GrpcChannel.ForAddress(config.Grpc.Address.ToHttpUri());
        try
        {
            await WaitForHeightAsync(channel, run, 3);

            var blocks = new Blocks.BlocksClient(channel);
            foreach (var height in new ulong[] { 1, 3 })
            {
                var set = await blocks.GetValidatorsAsync(new GetValidatorsRequest { Height = height });
                var only = Assert.Single(set.Validators);
                Assert.Equal(validatorKey.PublicKey, only.PublicKey.ToByteArray());
                Assert.Equal(DefaultGenesis.ValidatorPower, only.VotingPower);
            }
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run);
        }
    }

    private static async Task WaitForHeightAsync(GrpcChannel channel, Task<int> run, ulong height)
    {
        var status = new Status.StatusClient(channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        ulong reached = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (run.IsCompleted)
            {
                throw new InvalidOperationException($"the node stopped with exit code {await run}");
            }

            try
            {
                reached = (await status.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).LatestHeight;
                if (reached >= height)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the node reached height {reached}, not {height}, within 60 s");
    }
}
