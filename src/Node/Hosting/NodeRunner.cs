using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Node.Api;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Events;
using Chain.Node.Keys;
using Chain.Node.Production;
using Chain.Proto.Genesis;
using Chain.State.Execution;
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
/// gRPC on grpc.address and metrics on metrics.address, and produces blocks.
/// </summary>
public static class NodeRunner
{
    public static async Task<int> RunAsync(NodeHome home, NodeConfig config, GenesisDoc genesis, PrivateKey validatorKey, CancellationToken ct)
    {
        using var logger = NodeLoggerFactory.Create(config.Log, home);
        NodeApplication application;
        try
        {
            Directory.CreateDirectory(home.DataDirectory);
            application = NodeApplication.Open(home.DataDirectory, config.State, genesis);
        }
        catch (Exception e) when (e is GenesisStateException or IOException)
        {
            logger.Fatal("Cannot open the node's state in {DataDirectory}: {Message}", home.DataDirectory, e.Message);
            return 1;
        }

        using (application)
        {
            var nodeKey = File.Exists(home.NodeKeyFile) ? KeyPairFile.Read(home.NodeKeyFile) : validatorKey;
            var app = Build(application, config, validatorKey, nodeKey, logger);
            var metricServer = config.Metrics.Enabled
                ? new MetricServer(config.Metrics.Address.Host, config.Metrics.Address.Port, "metrics/", app.Services.GetRequiredService<CollectorRegistry>())
                : null;
            try
            {
                metricServer?.Start();
                logger.Information(
                    "Node {Moniker} on chain {ChainId} at height {Height}: gRPC on {Grpc}{Metrics}",
                    config.Moniker, genesis.ChainId, application.Executor.LastHeight, config.Grpc.Address,
                    metricServer is null ? string.Empty : $", metrics on http://{config.Metrics.Address}/metrics");
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

    private static WebApplication Build(NodeApplication application, NodeConfig config, PrivateKey validatorKey, PrivateKey nodeKey, Serilog.ILogger logger)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "chaind" });
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
        });

        var genesis = application.Genesis;
        var s = builder.Services;
        s.AddSingleton(config);
        s.AddSingleton(application);
        s.AddSingleton(application.Executor);
        s.AddSingleton(application.Bank);
        s.AddSingleton(new Modules.Market.MarketQueries(application.Market));
        s.AddSingleton(validatorKey);
        s.AddSingleton(new NodeIdentity(Convert.ToHexStringLower(nodeKey.Address), validatorKey.Address));
        s.AddSingleton(new ValidatorInfo(genesis));
        s.AddSingleton(Metrics.NewCustomRegistry());
        s.AddSingleton<NodeMetrics>();
        s.AddSingleton<EventBus>();
        s.AddSingleton<CommitWaiters>();
        s.AddSingleton(sp => new Mempool.Mempool(
            sp.GetRequiredService<BlockExecutor>(), config.Mempool, config.Tx.MinGasPrice,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Mempool.Mempool>>()));
        s.AddSingleton(sp => new BlockBuilder(
            sp.GetRequiredService<BlockExecutor>(), sp.GetRequiredService<Mempool.Mempool>(), sp.GetRequiredService<ValidatorInfo>(),
            genesis.ConsensusParams?.BlockMaxBytes ?? 4 * 1024 * 1024, config.Tx.MaxBlockTxs));
        s.AddSingleton<BlockCommitter>();
        s.AddHostedService<SoloProducer>();
        s.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, application.Options.MaxTxBytes + 64 * 1024);
            options.EnableDetailedErrors = false;
        });
        s.AddGrpcReflection();
        s.AddGrpcHealthChecks();
        s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var app = builder.Build();
        app.MapGrpcService<TxApi>();
        app.MapGrpcService<BlocksApi>();
        app.MapGrpcService<StatusApi>();
        app.MapGrpcService<EventsApi>();
        app.MapGrpcService<BankQueryApi>();
        app.MapGrpcService<MarketQueryApi>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }
}
