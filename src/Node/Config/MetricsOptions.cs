namespace Chain.Node.Config;

/// <summary>[metrics]: Prometheus text exposition.</summary>
public sealed record MetricsOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Listen address of the /metrics endpoint.</summary>
    public EndpointAddress Address { get; init; } = new("127.0.0.1", 26660);
}
