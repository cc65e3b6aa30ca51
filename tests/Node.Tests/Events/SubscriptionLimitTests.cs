using Chain.Node.Config;
using Chain.Proto.NodeService;
using Grpc.Core;

namespace Chain.Node.Tests.Events;

/// <summary>The events API refuses subscriptions past its caps with RESOURCE_EXHAUSTED, through a real node.</summary>
public sealed class SubscriptionLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly TestNode _node = TestNode.WithConfig(c => c with { Grpc = c.Grpc with { MaxSubscriptionsPerClient = 1 } });

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_subscription_past_the_per_client_cap_gets_resource_exhausted()
    {
        using var cts = new CancellationTokenSource(Wait);
        var events = new Proto.NodeService.Events.EventsClient(_node.Channel);
        using var first = events.Subscribe(new SubscribeRequest { EventTypes = { "new_block" } }, cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(cts.Token)); // it is registered once it streams

        using var second = events.Subscribe(new SubscribeRequest { EventTypes = { "new_block" } }, cancellationToken: cts.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("1 subscriptions from", refused.Status.Detail, StringComparison.Ordinal);

        // The first one still streams.
        Assert.True(await first.ResponseStream.MoveNext(cts.Token));
    }
}
