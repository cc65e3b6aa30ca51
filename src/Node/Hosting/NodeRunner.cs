using Chain.Client.Keys;
using Chain.Consensus.Commits;
using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Crypto;
using Chain.Node.Api;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Events;
using Chain.Node.Gateway;
using Chain.Node.P2p;
using Chain.Node.P2p.Peers;
using Chain.Node.Production;
using Chain.Node.Reactors;
using Chain.Proto.Genesis;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Serilog;

namespace Chain.Node.Hosting;

/// <summary>
/// Runs a node until cancelled (or SIGINT/SIGTERM): opens state, writes genesis on first start, serves
/// gRPC on grpc.address and metrics on metrics.address, and runs consensus.
/// </summary>
public static class NodeRunner
{
    /// <summary>The peer ban list in the data directory (see BanList).</summary>
    public const string BanFileName = "peer_bans.txt";

    /// <param name="home">The node's home.</param>
    /// <param name="config">Its config.</param>
    /// <param name="genesis">Its validated genesis.</param>
    /// <param name="validatorKey">Its consensus key.</param>
    /// <param name="ct">Stops the node.</param>
    /// <param name="modules">The chain's modules: the <see cref="ModuleCatalog"/>'s unless a test brings its own.</param>
    /// <param name="syncHold">Tests only: holds block sync's application of blocks until released.</param>
    public static async Task<int> RunAsync(NodeHome home, NodeConfig config, GenesisDoc genesis, PrivateKey validatorKey, CancellationToken ct, ModuleSet? modules = null, BlockSyncHold? syncHold = null)
    {
        using var logger = NodeLoggerFactory.Create(config.Log, home);
        using var loggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(logger);
        logger.Information("{MallocArenas}", MallocArenas.AtStart);
        if ((CheckFits(config, genesis) ?? (config.Gateway.Explorer ? ExplorerFiles.Problem() : null)) is { } problem)
        {
            logger.Fatal("{Problem}", problem);
            return 1;
        }

        ChainApp application;
        try
        {
            Directory.CreateDirectory(home.DataDirectory);
            var fault = CommitFault.FromEnvironment(Environment.GetEnvironmentVariable, KillSelf);
            if (fault is not null)
            {
                logger.Warning("Test fault injection on: the process kills itself after writing the state tree's nodes of block {Height}", fault.Height);
            }

            application = NodeState.Open(home.DataDirectory, config.State, genesis, modules ?? ModuleCatalog.Create(), fault, loggers);
        }
        catch (Exception e) when (e is GenesisStateException or IOException or FormatException)
        {
            logger.Fatal("Cannot open the node's state in {DataDirectory}: {Message}", home.DataDirectory, e.Message);
            return 1;
        }

        using (application)
        {
            var nodeKey = LoadOrCreateNodeKey(home, logger);
            var app = Build(home, application, config, validatorKey, nodeKey, logger, syncHold);
            var metricServer = config.Metrics.Enabled
                ? new MetricServer(config.Metrics.Address.Host, config.Metrics.Address.Port, "metrics/", app.Services.GetRequiredService<CollectorRegistry>())
                : null;
            try
            {
                metricServer?.Start();
                logger.Information(
                    "Node {Moniker} on chain {ChainId} at height {Height}: gRPC on {Grpc}{Metrics}{Gateway}",
                    config.Moniker, genesis.ChainId, application.Executor.LastHeight, config.Grpc.Address,
                    metricServer is null ? string.Empty : $", metrics on http://{config.Metrics.Address}/metrics",
                    !config.Gateway.Enabled ? string.Empty
                        : $", REST gateway on http://{config.Gateway.Address}/ (OpenAPI {GatewayHost.OpenApiPath}){(config.Gateway.Explorer ? $", explorer on http://{config.Gateway.Address}{ExplorerFiles.Path}/" : string.Empty)}");
                await app.RunAsync(ct);
                return 0;
            }
            catch (IOException e)
            {
                logger.Fatal("Cannot listen: {Message}", e.Message);
                return 1;
            }
            finally
            {
                if (metricServer is not null)
                {
                    await metricServer.StopAsync();
                }

                await app.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The node key in node_key.json; when the file is missing, a fresh key saved there (0600) and logged. Never the
    /// validator key: that would show every peer which node signs for the validator.
    /// </summary>
    private static PrivateKey LoadOrCreateNodeKey(NodeHome home, Serilog.ILogger logger)
    {
        if (File.Exists(home.NodeKeyFile))
        {
            return KeyPairFile.Read(home.NodeKeyFile);
        }

        var key = PrivateKey.Generate();
        KeyPairFile.Write(home.NodeKeyFile, key);
        logger.Warning("No node key at {NodeKeyFile}: generated a new one, node id {NodeId}", home.NodeKeyFile, Convert.ToHexStringLower(key.Address));
        return key;
    }

    /// <summary>SIGKILL of this process: no shutdown, no flushing (<see cref="CommitFault"/>, tests only).</summary>
    private static void KillSelf()
    {
        Console.Error.WriteLine($"{CommitFault.EnvironmentVariable}: tree nodes written, killing the process before the block commits");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    /// <summary>The validator: block building and checking, the engine's host loop, evidence and validator sets.</summary>
    private static void AddConsensus(IServiceCollection s, ChainApp application, NodeConfig config)
    {
        ulong blockMaxBytes = BlockMaxBytes(application.Genesis);
        var verifier = new Secp256k1SignatureVerifier();
        var validatorSets = ValidatorSetStore.For(application);
        var headerRules = new HeaderRules(application.Executor);
        var evidenceVerifier = new EvidenceVerifier(verifier, application.ChainId, validatorSets, headerRules, EvidenceMaxAge.Default);
        var committedEvidence = new CommittedEvidence(application.Store);
        var commitVerifier = new CommitVerifier(verifier);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton(validatorSets);
        s.AddSingleton(new EvidencePool(evidenceVerifier, committedEvidence));
        s.AddSingleton(committedEvidence);
        s.AddSingleton(headerRules);
        s.AddSingleton(sp => new BlockBuilder(
            application.Executor, sp.GetRequiredService<HeaderRules>(), sp.GetRequiredService<Mempool.Mempool>(),
            sp.GetRequiredService<EvidencePool>(), sp.GetRequiredService<CommittedEvidence>(),
            blockMaxBytes, config.Tx.MaxBlockTxs, ProposerClock.For(sp.GetRequiredService<TimeProvider>(), config.Testing.ProposeTimeOffset)));
        s.AddSingleton(sp => new ProposalChecker(
            application.Executor, sp.GetRequiredService<HeaderRules>(), validatorSets, commitVerifier, evidenceVerifier,
            sp.GetRequiredService<CommittedEvidence>(), blockMaxBytes, application.Options.MaxTxBytes,
            sp.GetRequiredService<TimeProvider>(), config.Consensus.MaxClockDrift,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ProposalChecker>>()));
        s.AddSingleton(sp => new ConsensusFactory(
            config, application.ChainId, sp.GetRequiredService<BlockBuilder>(), sp.GetRequiredService<ProposalChecker>(), verifier, commitVerifier));
        s.AddSingleton<BlockCommitter>();
        s.AddSingleton<ConsensusInbox>();
        s.AddSingleton<ConsensusService>();
        s.AddHostedService(sp => sp.GetRequiredService<ConsensusService>());
        s.AddHostedService<ConsensusLoopLag>();
    }

    /// <summary>Null when the config can carry what the genesis allows; otherwise what to change.</summary>
    public static string? CheckFits(NodeConfig config, GenesisDoc genesis)
    {
        ulong needed = BlockMaxBytes(genesis) + (ulong)BlockBuilder.Overhead;
        return (ulong)config.P2p.MaxMessageBytes < needed
            ? $"p2p.max_message_bytes is {config.P2p.MaxMessageBytes}, too small to carry a proposal of the genesis block_max_bytes {BlockMaxBytes(genesis)}; raise it to at least {needed}"
            : null;
    }

    /// <summary>The genesis block_max_bytes, or the default 4 MiB when it is not set.</summary>
    private static ulong BlockMaxBytes(GenesisDoc genesis) =>
        genesis.ConsensusParams is { BlockMaxBytes: > 0 } p ? p.BlockMaxBytes : 4 * 1024 * 1024;

    /// <summary>Peers: the switch (listening, persistent peers) and the reactors that gossip over it.</summary>
    private static void AddNetwork(IServiceCollection s, NodeHome home, PrivateKey nodeKey, string chainId, NodeConfig config)
    {
        P2pService.AddPeerToPeer(s, nodeKey, chainId, config, Path.Combine(home.DataDirectory, BanFileName));
        s.AddSingleton<ConsensusReactor>();
        s.AddSingleton<IConsensusGossip>(sp => sp.GetRequiredService<ConsensusReactor>());
        s.AddSingleton<BlockSyncReactor>();
        s.AddSingleton<MempoolReactor>();
        AddReactor<ConsensusReactor>(s);
        AddReactor<BlockSyncReactor>(s);
        AddReactor<MempoolReactor>(s);
    }

    private static void AddReactor<T>(IServiceCollection s)
        where T : class, IReactor, IHostedService
    {
        s.AddSingleton<IReactor>(sp => sp.GetRequiredService<T>());
        s.AddHostedService(sp => sp.GetRequiredService<T>());
    }

    private static WebApplication Build(NodeHome home, ChainApp application, NodeConfig config, PrivateKey validatorKey, PrivateKey nodeKey, Serilog.ILogger logger, BlockSyncHold? syncHold)
    {
        // The node reads no appsettings.json; without this the host watched its content root (the working directory,
        // with every folder below it) for changes to that file, and woke on every RocksDB write when the home was there.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = "chaind",
            ContentRootPath = home.Root,
        });
        builder.Services.AddSerilog(logger, dispose: false);
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            var address = config.Grpc.Address;
            if (System.Net.IPAddress.TryParse(address.Host, out var ip))
            {
                options.Listen(ip, address.Port, listen => listen.Protocols = HttpProtocols.Http2);
            }
            else
            {
                options.ListenLocalhost(address.Port, listen => listen.Protocols = HttpProtocols.Http2);
            }

            if (config.Gateway.Enabled)
            {
                GatewayHost.Listen(options, config.Gateway);
                options.Limits.MaxRequestBodySize = GatewayHost.MaxRequestBodyBytes(application.Options.MaxTxBytes);
            }
        });

        var genesis = application.Genesis;
        var s = builder.Services;
        s.AddSingleton(home);
        s.AddSingleton(config);
        s.AddSingleton(application);
        s.AddSingleton(application.Executor);
        var queryServices = new QueryServiceBinder(s);
        foreach (var service in QueryServices(application))
        {
            service.BindTo(queryServices);
        }
        s.AddSingleton(validatorKey);
        if (syncHold is not null)
        {
            s.AddSingleton(syncHold);
        }

        s.AddSingleton(new NodeIdentity(Convert.ToHexStringLower(nodeKey.Address), validatorKey.Address));
        s.AddSingleton(Metrics.NewCustomRegistry());
        s.AddSingleton<NodeMetrics>();
        s.AddSingleton(new EventBus { MaxSubscribers = config.Grpc.MaxSubscriptions, MaxSubscribersPerClient = config.Grpc.MaxSubscriptionsPerClient });
        s.AddSingleton<CommitWaiters>();
        s.AddSingleton(sp => new Mempool.Mempool(
            sp.GetRequiredService<BlockExecutor>(), config.Mempool, config.Tx.MinGasPrice,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Mempool.Mempool>>(), sp.GetRequiredService<TimeProvider>()));
        AddConsensus(s, application, config);
        AddNetwork(s, home, nodeKey, application.ChainId, config);
        var grpc = s.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, application.Options.MaxTxBytes + 64 * 1024);
            options.EnableDetailedErrors = false;
        });
        if (config.Gateway.Enabled)
        {
            GatewayHost.AddServices(s, grpc);
        }

        s.AddGrpcReflection();
        s.AddGrpcHealthChecks().AddCheck<NodeHealthCheck>(NodeHealthCheck.Name);
        s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var app = builder.Build();
        if (config.Gateway.Enabled)
        {
            GatewayHost.Map(app, config.Gateway);
        }

        app.MapGrpcService<TxApi>();
        app.MapGrpcService<BlocksApi>();
        app.MapGrpcService<StatusApi>();
        app.MapGrpcService<EventsApi>();
        queryServices.Map(app);

        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }

    /// <summary>Every module's query services over the committed state; two modules serving one service is a catalog error.</summary>
    private static List<QueryService> QueryServices(ChainApp application)
    {
        var services = new List<QueryService>();
        foreach (var module in application.Modules.Modules)
        {
            foreach (var service in module.QueryServices(application.Queries))
            {
                if (services.Exists(s => s.ServiceType == service.ServiceType))
                {
                    throw new InvalidOperationException($"module {module.Name} serves {service.ServiceType.Name}, which another module already serves");
                }

                services.Add(service);
            }
        }

        return services;
    }

    /// <summary>Registers each module query service in DI as its own type, and maps it on the gRPC server.</summary>
    private sealed class QueryServiceBinder(IServiceCollection services) : IQueryServiceBinder
    {
        private readonly List<Action<WebApplication>> _maps = [];

        public void Bind<T>(T service)
            where T : class
        {
            services.AddSingleton(service);
            _maps.Add(app => app.MapGrpcService<T>());
        }

        public void Map(WebApplication app)
        {
            foreach (var map in _maps)
            {
                map(app);
            }
        }
    }
}
