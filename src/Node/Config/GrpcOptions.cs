namespace Chain.Node.Config;

/// <summary>[grpc]: the gRPC API (queries, txs, blocks, status, events).</summary>
public sealed record GrpcOptions
{
    public const int DefaultMaxSubscriptions = 256;

    public const int DefaultMaxSubscriptionsPerClient = 64;

    /// <summary>Listen address; loopback by default so only local clients reach it.</summary>
    public EndpointAddress Address { get; init; } = new("127.0.0.1", 9090);

    /// <summary>Most event subscriptions served at once; one more gets RESOURCE_EXHAUSTED.</summary>
    public int MaxSubscriptions { get; init; } = DefaultMaxSubscriptions;

    /// <summary>Most event subscriptions served at once to one client address (its IP; all local clients share one).</summary>
    public int MaxSubscriptionsPerClient { get; init; } = DefaultMaxSubscriptionsPerClient;
}
