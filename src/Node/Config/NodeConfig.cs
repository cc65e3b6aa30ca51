using Chain.Consensus.Options;

namespace Chain.Node.Config;

/// <summary>
/// Everything in config/config.toml, after environment variables and flags were applied.
/// Built by <see cref="NodeConfigLoader"/>; <c>new NodeConfig()</c> holds the documented defaults.
/// </summary>
public sealed record NodeConfig
{
    /// <summary>A human name for this node, shown in status.</summary>
    public string Moniker { get; init; } = "node";

    public GrpcOptions Grpc { get; init; } = new();

    public MetricsOptions Metrics { get; init; } = new();

    public GatewayOptions Gateway { get; init; } = new();

    public P2pOptions P2p { get; init; } = new();

    /// <summary>[consensus]: round timeouts (CometBFT's defaults).</summary>
    public ConsensusOptions Consensus { get; init; } = new();

    public MempoolOptions Mempool { get; init; } = new();

    public TxOptions Tx { get; init; } = new();

    public StateOptions State { get; init; } = new();

    public LogOptions Log { get; init; } = new();

    /// <summary>[health]: when the gRPC health service says NOT_SERVING.</summary>
    public HealthOptions Health { get; init; } = new();

    /// <summary>[client]: defaults of client commands run with this home (the keyring backend).</summary>
    public ClientDefaults Client { get; init; } = new();

    /// <summary>[testing]: deliberate misbehaviour for tests; off by default, never set on a real validator.</summary>
    public TestingOptions Testing { get; init; } = new();

    /// <summary>Checks rules that span keys; throws <see cref="ConfigException"/> naming them.</summary>
    public void Validate(string source)
    {
        var consensus = Consensus.Validate();
        if (consensus.Count > 0)
        {
            throw new ConfigException($"{source}: {string.Join("; ", consensus)}");
        }

        var listeners = new List<(string Key, EndpointAddress Address)>
        {
            ("grpc.address", Grpc.Address),
            ("p2p.listen_address", P2p.ListenAddress),
        };
        if (Metrics.Enabled)
        {
            listeners.Add(("metrics.address", Metrics.Address));
        }

        if (Gateway.Enabled)
        {
            listeners.Add(("gateway.address", Gateway.Address));
        }
        else if (Gateway.Explorer)
        {
            throw new ConfigException($"{source}: 'gateway.explorer' is true but 'gateway.enabled' is false; the explorer is served by the gateway, so enable both");
        }

        if (P2p.DialBackoffMax < P2p.DialBackoffMin)
        {
            throw new ConfigException(
                $"{source}: 'p2p.dial_backoff_max' ({Duration.Format(P2p.DialBackoffMax)}) is below 'p2p.dial_backoff_min' ({Duration.Format(P2p.DialBackoffMin)})");
        }

        for (var i = 0; i < listeners.Count; i++)
        {
            for (var j = i + 1; j < listeners.Count; j++)
            {
                if (listeners[i].Address.Port == listeners[j].Address.Port
                    && string.Equals(listeners[i].Address.Host, listeners[j].Address.Host, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ConfigException(
                        $"{source}: '{listeners[i].Key}' and '{listeners[j].Key}' both use {listeners[i].Address}; give each its own port");
                }
            }
        }
    }
}
