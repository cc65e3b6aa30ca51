using Chain.Node.Events;
using Chain.Proto.NodeService;
using Grpc.Core;

namespace Chain.Node.Api;

/// <summary>chain.node.v1.Events: a stream of committed events, optionally filtered by type.</summary>
public sealed class EventsApi(EventBus bus) : Proto.NodeService.Events.EventsBase
{
    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<EventMessage> responseStream, ServerCallContext context)
    {
        var types = new HashSet<string>(request.EventTypes, StringComparer.Ordinal);
        var reader = bus.Subscribe(types, context.CancellationToken);
        try
        {
            await foreach (var message in reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
    }
}
