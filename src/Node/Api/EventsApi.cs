using Chain.Node.Events;
using Chain.Proto.NodeService;
using Grpc.Core;

namespace Chain.Node.Api;

/// <summary>
/// chain.node.v1.Events: a stream of committed events, optionally filtered by type. The bus caps subscriptions in
/// total and per client address (RESOURCE_EXHAUSTED past either) and drops a subscriber that falls behind.
/// </summary>
public sealed class EventsApi(EventBus bus) : Proto.NodeService.Events.EventsBase
{
    /// <summary>Most event types one subscription may filter on.</summary>
    public const int MaxEventTypes = 64;

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<EventMessage> responseStream, ServerCallContext context)
    {
        if (request.EventTypes.Count > MaxEventTypes)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, $"event_types: {request.EventTypes.Count} types, more than {MaxEventTypes}"));
        }

        var types = new HashSet<string>(request.EventTypes, StringComparer.Ordinal);
        if (!bus.TrySubscribe(types, ClientAddress(context.Peer), context.CancellationToken, out var reader, out var refusal))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.ResourceExhausted, refusal));
        }

        try
        {
            await foreach (var message in reader!.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
    }

    /// <summary>
    /// The client's address without its port, from gRPC's peer string ("ipv4:127.0.0.1:5000", "ipv6:[::1]:5000"):
    /// a client opening connections from many ports is still one client.
    /// </summary>
    public static string ClientAddress(string? peer)
    {
        if (string.IsNullOrEmpty(peer))
        {
            return "unknown";
        }

        var colon = peer.LastIndexOf(':');
        var host = colon > peer.IndexOf(':') ? peer[..colon] : peer;
        return host.StartsWith("ipv4:", StringComparison.Ordinal) || host.StartsWith("ipv6:", StringComparison.Ordinal) ? host[5..] : host;
    }
}
