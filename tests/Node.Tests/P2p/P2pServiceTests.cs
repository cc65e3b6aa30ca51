using Chain.Client.Keys;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.P2p;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Peers;
using Chain.Node.Production;
using Chain.Node.Tests.Cli;
using Chain.Proto.P2p;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Chain.Node.Tests.P2p;

public sealed class P2pServiceTests
{
    [Fact]
    public async Task Nodes_of_a_testnet_find_each_other_through_their_hosted_services()
    {
        using var temp = new TempHome();
        var output = temp.PathOf("net");
        var init = await CliRun.Invoke(temp.Root, ["testnet", "init", "--validators", "2", "--output", output, "--base-port", Loopback.FreeBasePort(2).ToString()]);
        Assert.Equal(0, init.ExitCode);

        var hosts = new List<IHost>();
        var reactors = new List<RecordingReactor>();
        try
        {
            foreach (var name in new[] { "node0", "node1" })
            {
                var home = new NodeHome(Path.Combine(output, name));
                var config = NodeConfigLoader.Load(home.ConfigFile, _ => null);
                var genesis = GenesisFile.Load(home.GenesisFile);
                var reactor = new RecordingReactor(ChannelId.Consensus);
                reactors.Add(reactor);
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
                builder.Services.AddSingleton(Metrics.NewCustomRegistry());
                builder.Services.AddSingleton<NodeMetrics>();
                builder.Services.AddSingleton<IReactor>(reactor);
                P2pService.AddPeerToPeer(builder.Services, KeyPairFile.Read(home.NodeKeyFile), genesis.ChainId, config);
                var host = builder.Build();
                hosts.Add(host);
                await host.StartAsync();
            }

            // Both dial each other; wait until both keep the same connection (one side's outbound).
            var switches = hosts.Select(h => h.Services.GetRequiredService<PeerSwitch>()).ToArray();
            Assert.True(await Loopback.EventuallyAsync(() =>
                switches[0].TryGetPeer(switches[1].NodeId, out var one) && switches[1].TryGetPeer(switches[0].NodeId, out var zero)
                && one.IsOutbound != zero.IsOutbound));
            Assert.True(await Loopback.EventuallyAsync(() => reactors.All(r => r.Added.Count > 0)));
            Assert.Equal(1, hosts[0].Services.GetRequiredService<IPeerSet>().Broadcast(
                ChannelId.Consensus, new Envelope { HasVote = new HasVote { Height = 5 } }));
            Assert.True(await Loopback.EventuallyAsync(() => reactors[1].Received.Count == 1));

            var registry = hosts[0].Services.GetRequiredService<CollectorRegistry>();
            Assert.True(await Loopback.EventuallyAsync(() => Scrape(registry).Contains("chain_p2p_peers 1\n")));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    private static string Scrape(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
