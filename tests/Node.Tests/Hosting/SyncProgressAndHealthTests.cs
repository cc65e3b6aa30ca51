using System.Globalization;
using Chain.Client.Keys;
using Chain.Consensus.Options;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;
using Chain.Node.P2p.Identity;
using Chain.Node.Reactors;
using Chain.Node.Tests.Cli;
using Chain.Proto.NodeService;
using RpcException = Grpc.Core.RpcException;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Serilog.Events;

namespace Chain.Node.Tests.Hosting;

/// <summary>
/// A fresh node that syncs from a real validator: status, metrics, `chaind status` and the gRPC health service while
/// it catches up (its block application held by a <see cref="BlockSyncHold"/>, so the state cannot pass unseen), once
/// it is caught up, and after its only peer stops.
/// </summary>
public sealed class SyncProgressAndHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_syncing_node_reports_catching_up_then_serving_and_not_serving_when_its_peer_stops()
    {
        var validator = new TestNode();
        await validator.InitializeAsync();
        using var temp = new TempHome();
        using var stop = new CancellationTokenSource();
        Task<int>? run = null;
        try
        {
            await validator.WaitForHeightAsync(8, Patience);

            // The follower: a home made by `chaind init --genesis` from the validator's genesis, with the validator as
            // its only peer and its own (non-validating) key.
            var home = new NodeHome(temp.PathOf("follower"));
            var validatorHome = new NodeHome(validator.Home);
            var init = await CliRun.Invoke(home.Root, ["init", "--genesis", validatorHome.GenesisFile, "--moniker", "follower"]);
            Assert.True(init.ExitCode == 0, init.Error);
            var peerId = NodeId.FromPublicKey(KeyPairFile.Read(validatorHome.NodeKeyFile).PublicKey);
            var grpc = new EndpointAddress("127.0.0.1", TestNode.FreePort());
            var metricsAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort());
            var config = NodeConfigLoader.Load(home.ConfigFile, _ => null) with
            {
                Grpc = new GrpcOptions { Address = grpc },
                Metrics = new MetricsOptions { Enabled = true, Address = metricsAddress },
                P2p = new P2pOptions
                {
                    ListenAddress = new EndpointAddress("127.0.0.1", TestNode.FreePort()),
                    PersistentPeers = [$"{peerId}@127.0.0.1:{validator.P2pPort}"],
                },
                State = new StateOptions { Backend = StateBackend.Memory },
                Consensus = ConsensusOptions.Testnet with { TimeoutCommit = TestNode.BlockTime },
                Log = new LogOptions { Level = LogEventLevel.Information, File = "node.log" },
                Health = new HealthOptions { HaltAfter = TimeSpan.FromSeconds(3) },
            };
            var hold = new BlockSyncHold();
            var genesis = GenesisFile.Load(home.GenesisFile);
            var key = KeyPairFile.Read(home.PrivValidatorKeyFile);
            run = Task.Run(() => NodeRunner.RunAsync(home, config, genesis, key, stop.Token, syncHold: hold));
            using var channel = GrpcChannel.ForAddress(grpc.ToHttpUri());
            var status = new Status.StatusClient(channel);
            var health = new Health.HealthClient(channel);

            // Held: the validator's height is known, nothing is applied.
            var behind = await Eventually(status, s => s.CatchingUp && s.SyncTargetHeight >= 8, "catching up with a target of at least 8");
            Assert.Equal(0UL, behind.LatestHeight);
            Assert.True(behind.SyncTargetHeight > behind.LatestHeight);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);

            using var http = new HttpClient();
            var scrape = await http.GetStringAsync($"http://{metricsAddress}/metrics");
            Assert.Contains("chain_sync_catching_up 1", scrape);
            var targetLine = scrape.Split('\n').Single(l => l.StartsWith("chain_sync_target_height ", StringComparison.Ordinal));
            Assert.True(double.Parse(targetLine["chain_sync_target_height ".Length..], CultureInfo.InvariantCulture) >= 8, targetLine);

            var cli = await CliRun.Invoke(home.Root, ["status", "--node", grpc.ToString()]);
            Assert.True(cli.ExitCode == 0, cli.Error);
            Assert.Equal("true", cli.Field("catching_up"));
            Assert.True(cli.Number("sync_target_height") >= 8);

            // Released: it syncs up to the validator and then follows it by consensus.
            hold.Release();
            var caughtUp = await Eventually(status, s => !s.CatchingUp && s.LatestHeight >= behind.SyncTargetHeight, $"caught up past {behind.SyncTargetHeight}");
            Assert.True(caughtUp.SyncTargetHeight >= caughtUp.LatestHeight);
            await EventuallyHealth(health, HealthCheckResponse.Types.ServingStatus.Serving);
            // A follower one height behind its peer for over a second (a busy machine) asks block sync for the next
            // block and reports catching up while that request is out, so each report is read until it says caught up.
            var cliAfter = await CliRun.Invoke(home.Root, ["status", "--node", grpc.ToString()]);
            for (var deadline = DateTime.UtcNow + Patience; cliAfter.Field("catching_up") != "false" && DateTime.UtcNow < deadline;)
            {
                await Task.Delay(200);
                cliAfter = await CliRun.Invoke(home.Root, ["status", "--node", grpc.ToString()]);
            }

            Assert.Equal("false", cliAfter.Field("catching_up"));
            var scrapeAfter = await http.GetStringAsync($"http://{metricsAddress}/metrics");
            for (var deadline = DateTime.UtcNow + Patience; !scrapeAfter.Contains("chain_sync_catching_up 0", StringComparison.Ordinal) && DateTime.UtcNow < deadline;)
            {
                await Task.Delay(200);
                scrapeAfter = await http.GetStringAsync($"http://{metricsAddress}/metrics");
            }

            Assert.Contains("chain_sync_catching_up 0", scrapeAfter);

            // Executing blocks read committed state, and the value cache answered some of it.
            var hitsLine = scrapeAfter.Split('\n').Single(l => l.StartsWith("chain_state_value_cache_hits_total ", StringComparison.Ordinal));
            Assert.True(double.Parse(hitsLine["chain_state_value_cache_hits_total ".Length..], CultureInfo.InvariantCulture) > 0, hitsLine);
            Assert.Contains("chain_state_value_cache_bytes ", scrapeAfter);

            // Its progress line was logged while it synced.
            var log = await ReadShared(home.Resolve("node.log"));
            Assert.Contains("Block sync: height {Height} of {TargetHeight}", log);

            // The only peer stops: no more commits, so after health.halt_after it is halted.
            await validator.StopAsync();
            await EventuallyHealth(health, HealthCheckResponse.Types.ServingStatus.NotServing);
            Assert.False((await status.GetStatusAsync(new StatusRequest())).CatchingUp);
        }
        finally
        {
            await stop.CancelAsync();
            if (run is not null)
            {
                await run;
            }

            await validator.DisposeAsync();
        }
    }

    private static async Task<StatusResponse> Eventually(Status.StatusClient status, Func<StatusResponse, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        StatusResponse? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await status.GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (condition(last))
                {
                    return last;
                }
            }
            catch (RpcException)
            {
                // Not listening yet.
            }

            await Task.Delay(TestNode.BlockTime);
        }

        throw new TimeoutException($"the follower was not {what} within {Patience.TotalSeconds} s; last status: {last}");
    }

    private static async Task EventuallyHealth(Health.HealthClient health, HealthCheckResponse.Types.ServingStatus wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = HealthCheckResponse.Types.ServingStatus.Unknown;
        while (DateTime.UtcNow < deadline)
        {
            last = (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).Status;
            if (last == wanted)
            {
                return;
            }

            await Task.Delay(TestNode.BlockTime);
        }

        throw new TimeoutException($"health stayed {last}, not {wanted}, for {Patience.TotalSeconds} s");
    }

    private static async Task<string> ReadShared(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
