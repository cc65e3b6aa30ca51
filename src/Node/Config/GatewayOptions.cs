namespace Chain.Node.Config;

/// <summary>
/// [gateway]: the REST/JSON gateway (every gRPC query and BroadcastTx as HTTP/1.1 JSON, its OpenAPI document, the
/// event stream as server-sent events) and the explorer page, on a listener of their own: the gRPC port speaks
/// HTTP/2 only (prior knowledge, no TLS), which browsers and curl's default HTTP/1.1 cannot reach.
/// </summary>
public sealed record GatewayOptions
{
    /// <summary>Serve the gateway on <see cref="Address"/>. Off by default: a validator serves only what it needs.</summary>
    public bool Enabled { get; init; }

    /// <summary>Listen address of the gateway; loopback by default so only local clients reach it.</summary>
    public EndpointAddress Address { get; init; } = new("127.0.0.1", 1317);

    /// <summary>Serve the explorer page at /explorer/ on the gateway (needs <see cref="Enabled"/>).</summary>
    public bool Explorer { get; init; }
}
