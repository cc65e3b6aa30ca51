using Chain.Client.Keys;
using Chain.Consensus.Options;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;
using Chain.Node.Tests.Cli;
using Chain.Node.Tests.P2p;
using Serilog.Events;

namespace Chain.Node.Tests.Hardening;

/// <summary>A node without node_key.json makes and keeps a fresh node key instead of showing peers its validator key.</summary>
public sealed class NodeKeyTests
{
    [Fact]
    public async Task A_node_without_a_node_key_saves_a_fresh_one_that_is_not_its_validator_key()
    {
        using var temp = new TempHome();
        Assert.Equal(0, (await CliRun.Invoke(temp.Root, ["init", "--moniker", "keyless"])).ExitCode);
        var home = new NodeHome(temp.Root);
        File.Delete(home.NodeKeyFile);
        var validatorKey = KeyPairFile.Read(home.PrivValidatorKeyFile);
        var config = NodeConfigLoader.Load(home.ConfigFile, _ => null) with
        {
            Grpc = new GrpcOptions { Address = new EndpointAddress("127.0.0.1", TestNode.FreePort()) },
            Metrics = new MetricsOptions { Enabled = false },
            P2p = new P2pOptions { ListenAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort()) },
            Consensus = ConsensusOptions.Testnet with { TimeoutCommit = TestNode.BlockTime },
            Log = new LogOptions { Level = LogEventLevel.Warning },
        };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => NodeRunner.RunAsync(home, config, GenesisFile.Load(home.GenesisFile), validatorKey, stop.Token));

        var saved = await Loopback.EventuallyAsync(() => File.Exists(home.NodeKeyFile) || run.IsCompleted);
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Stopped while the host was still starting.
        }

        Assert.True(saved && File.Exists(home.NodeKeyFile));
        Assert.NotEqual(validatorKey.PublicKey, KeyPairFile.Read(home.NodeKeyFile).PublicKey);
    }
}
