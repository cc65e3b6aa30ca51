using System.Net;
using System.Net.Sockets;
using Chain.Client.Keys;
using Chain.Consensus.Options;
using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.Config;
using Chain.Node.Genesis;
using Chain.Node.Hosting;
using Chain.Node.Tests.Cli;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.NodeService;
using Chain.Proto.Types;
using Chain.State.Types;
using Grpc.Net.Client;
using Serilog.Events;

namespace Chain.Node.Tests;

/// <summary>
/// A real chaind node run in-process on a free loopback port: a temporary home made by `chaind init`, the
/// in-memory state backend (RocksDB in data/ for <see cref="WithRocksDb"/>), metrics off and
/// a short timeout_commit. Genesis also funds a pool of accounts that tests claim by name with
/// <see cref="FundedKey"/>, so tests sharing one node never share a sender.
/// </summary>
public sealed class TestNode : IAsyncLifetime
{
    private readonly StateBackend _backend;

    /// <summary>A node over the in-memory state backend (the only public constructor: xunit builds fixtures with it).</summary>
    public TestNode()
        : this(StateBackend.Memory)
    {
    }

    private TestNode(StateBackend backend, Action<GenesisDoc>? genesisChange = null, Func<NodeConfig, NodeConfig>? configChange = null)
    {
        _backend = backend;
        _genesisChange = genesisChange;
        _configChange = configChange;
    }

    private readonly Action<GenesisDoc>? _genesisChange;
    private readonly Func<NodeConfig, NodeConfig>? _configChange;

    /// <summary>A node whose config is changed by <paramref name="change"/> after the test defaults are applied.</summary>
    public static TestNode WithConfig(Func<NodeConfig, NodeConfig> change) => new(StateBackend.Memory, configChange: change);

    /// <summary>
    /// A node that also serves the REST gateway on a free loopback port (<see cref="GatewayUri"/>), and the explorer
    /// when <paramref name="explorer"/>; <paramref name="change"/> changes the config further.
    /// </summary>
    public static TestNode WithGateway(bool explorer = false, Func<NodeConfig, NodeConfig>? change = null) => new(StateBackend.Memory, configChange: c =>
    {
        c = c with { Gateway = new GatewayOptions { Enabled = true, Address = new EndpointAddress("127.0.0.1", FreePort()), Explorer = explorer } };
        return change?.Invoke(c) ?? c;
    });

    /// <summary>A node whose genesis is changed by <paramref name="change"/> after the test defaults are applied.</summary>
    public static TestNode WithGenesis(Action<GenesisDoc> change) => new(StateBackend.Memory, change);

    /// <summary>The work bond a provider needs per lease on a test node.</summary>
    public const ulong WorkBondPerLease = 1_000_000;

    /// <summary>A node that keeps its state in RocksDB under its home's data/, as a validator does.</summary>
    public static TestNode WithRocksDb() => new(StateBackend.RocksDb);

    /// <summary>What each pooled account holds at genesis, in uchn.</summary>
    public const ulong AccountFunds = 1_000_000_000;

    public static readonly TimeSpan BlockTime = TimeSpan.FromMilliseconds(200);

    private const int PoolSize = 32;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TempHome _temp = new();
    private readonly Queue<PrivateKey> _pool = new();
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _run;
    private GrpcChannel? _channel;

    /// <summary>The node's home; CLI runs use it for the keyring.</summary>
    public string Home => _temp.Root;

    /// <summary>host:port of the node's gRPC API.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The loopback port the node listens on for peers.</summary>
    public int P2pPort { get; private set; }

    public string ChainId { get; private set; } = string.Empty;

    /// <summary>Total uchn minted at genesis.</summary>
    public ulong GenesisSupply { get; private set; }

    /// <summary>The config the node runs with.</summary>
    public NodeConfig Config { get; private set; } = new();

    /// <summary>http://host:port/ of the REST gateway (<see cref="WithGateway"/>).</summary>
    public Uri GatewayUri => Config.Gateway.Enabled
        ? new Uri($"http://{Config.Gateway.Address}/")
        : throw new InvalidOperationException("this node serves no gateway; make it with TestNode.WithGateway");

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("the node has not started");

    public async Task InitializeAsync()
    {
        var init = await CliRun.Invoke(Home, ["init", "--moniker", "test-node"]);
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException($"chaind init failed: {init.Error}");
        }

        var home = new NodeHome(Home);
        var genesis = GenesisFile.Load(home.GenesisFile);
        for (var i = 0; i < PoolSize; i++)
        {
            var key = PrivateKey.Generate();
            var balance = new Balance { Address = Crypto.Address.ToBech32(key.Address) };
            balance.Coins.Add(new Coin { Denom = Coins.BaseDenom, Amount = AccountFunds });
            BankGenesis.Fund(genesis, balance);
            _pool.Enqueue(key);
        }

        // No minting: tests check that the supply stays exactly what genesis funded.
        Chain.State.Modules.AppStateSections.Update<Chain.Proto.Staking.GenesisState>(
            genesis, Chain.Modules.Staking.StakingModule.ModuleName, Chain.Modules.Staking.Params.StakingParams.DisableMinting);
        // Work: the testnet's small products, a 1 CHN bond per lease, and receipts so rarely due that tests of other
        // modules never meet one (work tests shorten the interval with WithGenesis).
        Chain.State.Modules.AppStateSections.Update<Chain.Proto.Work.GenesisState>(genesis, Chain.Modules.Work.WorkModule.ModuleName, w =>
        {
            Chain.Modules.Work.Params.WorkParams.ApplyTestnetProfile(w.Params);
            w.Params.BondPerLease = WorkBondPerLease;
            w.Params.ReceiptInterval = 1_000_000;
        });
        _genesisChange?.Invoke(genesis);
        GenesisRules.Validate(genesis);
        GenesisFile.Write(home.GenesisFile, genesis);
        ChainId = genesis.ChainId;
        GenesisSupply = BankGenesis.Section(genesis).Balances.SelectMany(b => b.Coins).Where(c => c.Denom == Coins.BaseDenom).Aggregate(0UL, (sum, c) => sum + c.Amount);
        var validatorKey = KeyPairFile.Read(home.PrivValidatorKeyFile);

        // The port is free when picked but may be taken before the node binds it; then pick another.
        for (var attempt = 1; ; attempt++)
        {
            Address = $"127.0.0.1:{FreePort()}";
            P2pPort = FreePort();
            var config = NodeConfigLoader.Load(home.ConfigFile, _ => null) with
            {
                Grpc = new GrpcOptions { Address = EndpointAddress.Parse(Address) },
                Metrics = new MetricsOptions { Enabled = false },
                P2p = new P2pOptions { ListenAddress = new EndpointAddress("127.0.0.1", P2pPort) },
                State = new StateOptions { Backend = _backend },
                Consensus = ConsensusOptions.Testnet with { TimeoutCommit = BlockTime },
                Log = new LogOptions { Level = LogEventLevel.Warning },
            };
            config = _configChange?.Invoke(config) ?? config;
            Config = config;
            _run = Task.Run(() => NodeRunner.RunAsync(home, config, genesis, validatorKey, _stop.Token));
            _channel = GrpcChannel.ForAddress(config.Grpc.Address.ToHttpUri());
            if (await WaitForFirstBlockAsync() || attempt == 3)
            {
                break;
            }

            _channel.Dispose();
        }

        if (_run.IsCompleted)
        {
            throw new InvalidOperationException($"the node at {Address} stopped during start with exit code {await _run}");
        }
    }

    /// <summary>Stores a genesis-funded key (<see cref="AccountFunds"/> uchn) in the keyring under <paramref name="name"/>; returns its address.</summary>
    public string FundedKey(string name)
    {
        lock (_pool)
        {
            if (!_pool.TryDequeue(out var key))
            {
                throw new InvalidOperationException($"all {PoolSize} funded accounts are taken; raise {nameof(PoolSize)}");
            }

            return new Keyring(new NodeHome(Home).KeyringDirectory).Import(name, key).Address;
        }
    }

    /// <summary>Runs chaind with this node's home, against this node.</summary>
    public Task<CliRun> Cli(params string[] args) => CliRun.Invoke(Home, [.. args, "--node", Address]);

    public async Task<StatusResponse> StatusAsync() =>
        await new Status.StatusClient(Channel).GetStatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

    /// <summary>Waits until the node has committed <paramref name="height"/>; fails with the height it did reach.</summary>
    public async Task WaitForHeightAsync(ulong height, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? StartTimeout);
        ulong reached = 0;
        while (DateTime.UtcNow < deadline)
        {
            reached = (await StatusAsync()).LatestHeight;
            if (reached >= height)
            {
                return;
            }

            await Task.Delay(BlockTime / 4);
        }

        throw new TimeoutException($"the node at {Address} reached height {reached}, not {height}, within {(timeout ?? StartTimeout).TotalSeconds:0} s");
    }

    /// <summary>Stops the node and waits until it has closed its state; the home stays until <see cref="DisposeAsync"/>.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _channel?.Dispose();
        _stop.Dispose();
        _temp.Dispose();
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>True once Status reports height 1 or more; false when the run ended first (a lost port race).</summary>
    private async Task<bool> WaitForFirstBlockAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var lastError = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_run!.IsCompleted)
            {
                return false;
            }

            try
            {
                if ((await StatusAsync()).LatestHeight >= 1)
                {
                    return true;
                }

                lastError = "height is still 0";
            }
            catch (Grpc.Core.RpcException e)
            {
                lastError = e.Status.Detail;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the node at {Address} did not commit block 1 within {StartTimeout.TotalSeconds:0} s ({lastError})");
    }
}
