using System.Globalization;
using Chain.Client.Keys;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;
using Chain.Node.Tests.Cli;
using Chain.Node.Tests.P2p;
using Chain.Proto.NodeService;
using Chain.State.Modules;
using Google.Protobuf;
using Grpc.Net.Client;
using Serilog.Events;

namespace Chain.Node.Tests.Modules;

/// <summary>
/// A real testnet in this process: the homes of `chaind testnet init` (free loopback ports), one genesis for all,
/// and each node run by <see cref="NodeRunner"/> from its own config.toml, loaded as `chaind start` loads it, with
/// the in-memory state backend, metrics off and warnings only. The nodes talk over loopback P2P. Disposing stops them.
/// </summary>
public sealed class InProcessTestnet : IAsyncDisposable
{
    private static readonly TimeSpan HeightTimeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task<int>> _runs = [];
    private readonly List<GrpcChannel> _channels = [];

    private InProcessTestnet(NodeHome[] homes) => Homes = homes;

    public IReadOnlyList<NodeHome> Homes { get; }

    /// <summary>Each node's gRPC API, in home order, once started.</summary>
    public IReadOnlyList<GrpcChannel> Channels => _channels;

    /// <summary>Runs `chaind testnet init` for <paramref name="validators"/> validators under <paramref name="temp"/>.</summary>
    public static async Task<InProcessTestnet> InitAsync(TempHome temp, int validators)
    {
        var output = temp.PathOf("net");
        var init = await CliRun.Invoke(temp.Root,
        [
            "testnet", "init", "--validators", validators.ToString(CultureInfo.InvariantCulture), "--output", output,
            "--base-port", Loopback.FreeBasePort(validators).ToString(CultureInfo.InvariantCulture),
        ]);
        Assert.True(init.ExitCode == 0, init.Error);
        return new InProcessTestnet(Enumerable.Range(0, validators).Select(i => new NodeHome(Path.Combine(output, "node" + i))).ToArray());
    }

    /// <summary>Writes the same genesis, with <paramref name="module"/>'s section set to <paramref name="section"/>, to every home.</summary>
    public void SetGenesisSection(string module, IMessage section, ModuleSet modules)
    {
        var genesis = GenesisFile.Load(Homes[0].GenesisFile);
        AppStateSections.Set(genesis, module, section);
        foreach (var home in Homes)
        {
            GenesisFile.Write(home.GenesisFile, genesis, modules);
        }
    }

    /// <summary>Replaces <paramref name="line"/> of node <paramref name="node"/>'s config.toml (it must be there).</summary>
    public void EditConfig(int node, string line, string replacement)
    {
        var path = Homes[node].ConfigFile;
        var text = File.ReadAllText(path);
        Assert.Contains(line, text);
        File.WriteAllText(path, text.Replace(line, replacement, StringComparison.Ordinal));
    }

    /// <summary>Starts every node; <paramref name="modules"/> gives node i its modules.</summary>
    public void Start(Func<int, ModuleSet> modules)
    {
        for (var i = 0; i < Homes.Count; i++)
        {
            var home = Homes[i];
            var config = NodeConfigLoader.Load(home.ConfigFile, _ => null) with
            {
                Metrics = new MetricsOptions { Enabled = false },
                State = new StateOptions { Backend = StateBackend.Memory },
                Log = new LogOptions { Level = LogEventLevel.Warning },
            };
            var genesis = GenesisFile.Load(home.GenesisFile, modules(i));
            var moduleSet = modules(i);
            var key = KeyPairFile.Read(home.PrivValidatorKeyFile);
            _runs.Add(Task.Run(() => NodeRunner.RunAsync(home, config, genesis, key, _stop.Token, moduleSet)));
            _channels.Add(GrpcChannel.ForAddress(config.Grpc.Address.ToHttpUri()));
        }
    }

    /// <summary>Waits until every node has committed <paramref name="height"/>; fails when a node stops or a minute passes.</summary>
    public async Task WaitForHeightAsync(ulong height)
    {
        foreach (var channel in _channels)
        {
            await WaitForHeightAsync(channel, height);
        }
    }

    private async Task WaitForHeightAsync(GrpcChannel channel, ulong height)
    {
        var status = new Status.StatusClient(channel);
        var deadline = DateTime.UtcNow + HeightTimeout;
        ulong reached = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (_runs.Find(r => r.IsCompleted) is { } ended)
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

        throw new TimeoutException($"a node reached height {reached}, not {height}, within {HeightTimeout.TotalSeconds} s");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var run in _runs)
        {
            await run;
        }

        _channels.ForEach(c => c.Dispose());
        _stop.Dispose();
    }
}
