using Chain.Client.Keys;
using Chain.Consensus.Validators;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;
using Chain.Node.Tests.Cli;
using Chain.Node.Tests.P2p;
using Chain.Proto.Genesis;
using Chain.Proto.NodeService;
using Chain.State.Modules;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Serilog.Events;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A module's EndBlock changes the validator set of a real four-validator testnet (four nodes in this process, talking
/// over loopback P2P): the update returned at height H is in every node's validator set from H+2, the headers carry it,
/// and consensus keeps committing with it.
/// </summary>
public sealed class ValidatorUpdateTests
{
    private const ulong ChangeAt = 3;
    private const long NewPower = 25;
    private const long Power = DefaultGenesis.ValidatorPower;

    [Fact]
    public async Task Validator_update_from_end_block_takes_effect_two_heights_later_on_every_node()
    {
        using var temp = new TempHome();
        var output = temp.PathOf("net");
        var init = await CliRun.Invoke(temp.Root, ["testnet", "init", "--validators", "4", "--output", output, "--base-port", Loopback.FreeBasePort(4).ToString()]);
        Assert.True(init.ExitCode == 0, init.Error);

        var homes = Enumerable.Range(0, 4).Select(i => new NodeHome(Path.Combine(output, "node" + i))).ToArray();
        var changed = KeyPairFile.Read(homes[0].PrivValidatorKeyFile).PublicKey;
        var modules = homes.Select(_ => new PowerChangeModule(changed, NewPower, ChangeAt)).ToArray();
        ModuleSet Modules(int i) => ModuleCatalog.Create().Add(modules[i]);

        // Every home gets the same genesis with the test module's section.
        var genesis = GenesisFile.Load(homes[0].GenesisFile);
        AppStateSections.Set(genesis, PowerChangeModule.ModuleName, new Empty());
        foreach (var home in homes)
        {
            GenesisFile.Write(home.GenesisFile, genesis, Modules(0));
        }

        using var stop = new CancellationTokenSource();
        var runs = new List<Task<int>>();
        var channels = new List<GrpcChannel>();
        try
        {
            for (var i = 0; i < homes.Length; i++)
            {
                var home = homes[i];
                var config = NodeConfigLoader.Load(home.ConfigFile, _ => null) with
                {
                    Metrics = new MetricsOptions { Enabled = false },
                    State = new StateOptions { Backend = StateBackend.Memory },
                    Log = new LogOptions { Level = LogEventLevel.Warning },
                };
                var loaded = GenesisFile.Load(home.GenesisFile, Modules(i));
                var moduleSet = Modules(i);
                runs.Add(Task.Run(() => NodeRunner.RunAsync(home, config, loaded, KeyPairFile.Read(home.PrivValidatorKeyFile), stop.Token, moduleSet)));
                channels.Add(GrpcChannel.ForAddress(config.Grpc.Address.ToHttpUri()));
            }

            foreach (var channel in channels)
            {
                await WaitForHeightAsync(channel, runs, ChangeAt + 3);
            }

            for (var i = 0; i < channels.Count; i++)
            {
                var blocks = new Blocks.BlocksClient(channels[i]);
                var before = await blocks.GetValidatorsAsync(new GetValidatorsRequest { Height = ChangeAt + 1 });
                var after = await blocks.GetValidatorsAsync(new GetValidatorsRequest { Height = ChangeAt + 2 });
                Assert.Equal(4 * Power, before.TotalVotingPower);
                Assert.Equal(Power, PowerOf(before, changed));
                Assert.Equal((3 * Power) + NewPower, after.TotalVotingPower);
                Assert.Equal(NewPower, PowerOf(after, changed));

                // The header of H+2 names the new set, and H+2 was committed by it.
                var header = (await blocks.GetBlockAsync(new GetBlockRequest { Height = ChangeAt + 2 })).Block.Header;
                var expected = ConsensusValidatorSet.FromProto(new Proto.Types.ValidatorSet { Validators = { after.Validators } }).Hash();
                Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(header.ValidatorsHash.ToByteArray()));

                // BeginBlock saw every validator of the previous height with its power, and +2/3 of them signed.
                var votes = modules[i].SeenVotes[ChangeAt + 3];
                Assert.Equal(4, votes.Count);
                Assert.Equal((3 * Power) + NewPower, votes.Sum(v => v.Power));
                Assert.True(votes.Where(v => v.Signed).Sum(v => v.Power) * 3 > ((3 * Power) + NewPower) * 2);
                Assert.Contains(votes, v => v.Power == NewPower);
                Assert.All(modules[i].SeenVotes[ChangeAt + 1], v => Assert.Equal(Power, v.Power));
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var run in runs)
            {
                await run;
            }

            channels.ForEach(c => c.Dispose());
        }
    }

    private static long PowerOf(GetValidatorsResponse set, byte[] publicKey) =>
        set.Validators.Single(v => v.PublicKey.Span.SequenceEqual(publicKey)).VotingPower;

    private static async Task WaitForHeightAsync(GrpcChannel channel, List<Task<int>> runs, ulong height)
    {
        var status = new Status.StatusClient(channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        ulong reached = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (runs.Find(r => r.IsCompleted) is { } ended)
            {
                throw new InvalidOperationException($"a node stopped with exit code {await ended}");
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

        throw new TimeoutException($"a node reached height {reached}, not {height}, within 60 s");
    }
}
