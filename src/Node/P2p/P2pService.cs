using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Peers;
using Chain.Node.Production;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.P2p;

/// <summary>
/// Runs a <see cref="PeerSwitch"/> with the node: registers the reactors found in the container,
/// feeds the chain_p2p_peers gauge, starts listening and dialing with the host, and closes every
/// connection when the host stops. Add it with <see cref="AddPeerToPeer"/>.
/// </summary>
public sealed class P2pService : IHostedService
{
    private readonly PeerSwitch _switch;
    private readonly IEnumerable<IReactor> _reactors;
    private readonly NodeMetrics? _metrics;

    public P2pService(PeerSwitch peerSwitch, IEnumerable<IReactor> reactors, NodeMetrics? metrics = null)
    {
        _switch = peerSwitch;
        _reactors = reactors;
        _metrics = metrics;
    }

    public PeerSwitch Switch => _switch;

    /// <summary>
    /// Registers the switch (also as <see cref="IPeerSet"/>) and this service. Reactors are
    /// registered as <see cref="IReactor"/> singletons by whoever provides them. Bans are kept in
    /// <paramref name="banFile"/> (data/peer_bans.txt in a node's home) when given.
    /// </summary>
    public static IServiceCollection AddPeerToPeer(IServiceCollection services, PrivateKey nodeKey, string chainId, NodeConfig config, string? banFile = null)
    {
        services.AddSingleton(sp => new PeerSwitch(
            nodeKey, chainId, config.Moniker, config.P2p, sp.GetRequiredService<ILogger<PeerSwitch>>(), sp.GetService<TimeProvider>(), banFile));
        services.AddSingleton<IPeerSet>(sp => sp.GetRequiredService<PeerSwitch>());
        services.AddSingleton(sp => new P2pService(
            sp.GetRequiredService<PeerSwitch>(), sp.GetServices<IReactor>(), sp.GetService<NodeMetrics>()));
        services.AddHostedService(sp => sp.GetRequiredService<P2pService>());
        return services;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var reactor in _reactors)
        {
            _switch.AddReactor(reactor);
        }

        if (_metrics is { } metrics)
        {
            _switch.PeerCountChanged += metrics.SetPeers;
        }

        await _switch.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _switch.StopAsync().WaitAsync(cancellationToken);
}
