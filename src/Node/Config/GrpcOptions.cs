namespace Chain.Node.Config;

/// <summary>[grpc]: the gRPC API (queries, txs, blocks, status, events).</summary>
public sealed record GrpcOptions
{
    /// <summary>Listen address; loopback by default so only local clients reach it.</summary>
    public EndpointAddress Address { get; init; } = new("127.0.0.1", 9090);
}
