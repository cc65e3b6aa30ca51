using System.CommandLine;
using Chain.Agents;
using Chain.Agents.Tenant;
using Chain.Client.Cli;
using Chain.Client.Keys;
using Chain.Node.Cli;
using Chain.Node.Config;
using Chain.Proto.Market;
using Chain.Proto.Types;
using Chain.Proto.Work;
using Google.Protobuf;
using MarketQuery = Chain.Proto.Market.Query;
using WorkQuery = Chain.Proto.Work.Query;

namespace Chain.Node.Tests.Agents;

/// <summary>
/// What the tenant agent's node tests share: a provider the test drives over gRPC, a tenant.toml in the node's home,
/// the agent run in-process with its log captured, waits on chain state with a deadline, and `chaind tenant` run
/// through <see cref="TenantCommand"/> (the command is wired into chaind's tree elsewhere).
/// </summary>
internal sealed class TenantTestChain(TestNode node)
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public MarketQuery.QueryClient Market => new(node.Channel);

    public WorkQuery.QueryClient Work => new(node.Channel);

    /// <summary>A funded keyring key as an agent connection (used to act as a provider).</summary>
    public AgentChain Account(string name)
    {
        node.FundedKey(name);
        var key = new Keyring(new NodeHome(node.Home).KeyringDirectory).GetPrivateKey(name);
        return new AgentChain(node.Address, key, 10_000, 1_000_000);
    }

    /// <summary>Registers <paramref name="provider"/> with one 80 GiB H100 and bonds it for one lease.</summary>
    public async Task RegisterProviderAsync(AgentChain provider)
    {
        await CommitAsync(provider, new MsgCreateProvider
        {
            Owner = provider.Address,
            HostUri = "https://gpu.example.com:8443",
            Region = "eu-west",
            Attributes = { "gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/1" },
        });
        await CommitAsync(provider, new MsgDepositWorkBond { Provider = provider.Address, Amount = TestNode.WorkBondPerLease });
    }

    public static async Task<TxResult> CommitAsync(AgentChain account, IMessage message)
    {
        var result = await account.SendAsync(message, CancellationToken.None);
        Assert.True(result.Code == 0, $"{message.Descriptor.Name}: code {result.Code} ({result.Codespace}) {result.Log}");
        return result;
    }

    /// <summary>Writes tenant.toml for key "tenant" on this node with <paramref name="body"/> after the shared keys; its path.</summary>
    public string WriteConfig(string body)
    {
        var path = Path.Combine(node.Home, "tenant.toml");
        File.WriteAllText(path, $"""
            node = "{node.Address}"
            home = "{node.Home}"
            key = "tenant"
            keyring_backend = "test"
            fee = "10000uchn"
            gas = 1000000
            poll_interval = "100ms"

            """ + body);
        return path;
    }

    public async Task<IReadOnlyList<Order>> OrdersAsync(string owner) =>
        (await Market.OrdersAsync(new QueryOrdersRequest { Owner = owner })).Orders;

    /// <summary>Reads until <paramref name="done"/> holds (NotFound counts as not yet); fails after <see cref="Wait"/>.</summary>
    /// <summary>Reads until <paramref name="done"/> holds (NotFound counts as not yet), failing after <paramref name="within"/> (default <see cref="Wait"/>).</summary>
    public static async Task<T> WaitFor<T>(Func<Task<T>> read, Func<T, bool> done, string what, CapturedLog? log = null, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Wait);
        while (true)
        {
            try
            {
                var value = await read();
                if (done(value))
                {
                    return value;
                }
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {(within ?? Wait).TotalSeconds} s" + (log is null ? string.Empty : "; the agent's log:\n" + log));
            await Task.Delay(TestNode.BlockTime / 4);
        }
    }

    /// <summary>Runs `chaind tenant ARGS` through <see cref="TenantCommand"/> with this node's home.</summary>
    public async Task<Cli.CliRun> TenantCliAsync(params string[] args) => await RunTenantCommand(node.Home, args);

    public static async Task<Cli.CliRun> RunTenantCommand(string home, IReadOnlyList<string> args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment(new StringReader(string.Empty), output, error, _ => null, TimeProvider.System);
        var homeOption = new Option<string>("--home") { Recursive = true, DefaultValueFactory = _ => home };
        var root = new RootCommand("chaind") { homeOption };
        root.Add(new TenantCommand(environment, new CommandHandler(environment), homeOption).Build());
        var code = await root.Parse(["tenant", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new Cli.CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>An agent for key "tenant" with its own metrics, logging to <paramref name="log"/>.</summary>
    public static TenantAgent Agent(TenantConfig config, AgentChain chain, CapturedLog log) =>
        new(config, chain, new AgentLog(log, "tenant"), new TenantMetrics());
}

/// <summary>An agent's log written on its threads and read by the test at any time.</summary>
internal sealed class CapturedLog : TextWriter
{
    private readonly System.Text.StringBuilder _text = new();

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}

/// <summary>Collects events of the given types from a node's stream until disposed.</summary>
internal sealed class EventCollector : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Chain.Proto.Types.Event> _events = new();
    private Task _reader = Task.CompletedTask;

    /// <summary>Subscribes and returns once the stream is live (a new_block has arrived).</summary>
    public static async Task<EventCollector> StartAsync(Grpc.Net.Client.GrpcChannel channel, params string[] types)
    {
        var collector = new EventCollector();
        var request = new Chain.Proto.NodeService.SubscribeRequest { EventTypes = { types }, };
        request.EventTypes.Add("new_block");
        var call = new Chain.Proto.NodeService.Events.EventsClient(channel).Subscribe(request, cancellationToken: collector._stop.Token);
        Assert.True(await call.ResponseStream.MoveNext(collector._stop.Token));
        collector._reader = Task.Run(async () =>
        {
            using (call)
            {
                try
                {
                    while (await call.ResponseStream.MoveNext(collector._stop.Token))
                    {
                        if (call.ResponseStream.Current.Event.Type != "new_block")
                        {
                            collector._events.Enqueue(call.ResponseStream.Current.Event);
                        }
                    }
                }
                catch (Exception e) when (collector._stop.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException)
                {
                }
            }
        });
        return collector;
    }

    /// <summary>The events of <paramref name="type"/> so far whose attribute <paramref name="key"/> is <paramref name="value"/>.</summary>
    public IReadOnlyList<Chain.Proto.Types.Event> Where(string type, string key, string value) =>
        _events.Where(e => e.Type == type && e.Attributes.Any(a => a.Key == key && a.Value == value)).ToList();

    public static string Attribute(Chain.Proto.Types.Event e, string key) => e.Attributes.Single(a => a.Key == key).Value;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        _stop.Dispose();
    }
}
