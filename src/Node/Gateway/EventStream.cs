using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Chain.Node.Api;
using Chain.Node.Events;
using Chain.Proto.NodeService;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Chain.Node.Gateway;

/// <summary>
/// The committed-event stream as server-sent events (text/event-stream) for browsers, which cannot read the gRPC
/// server stream: <c>GET /chain/node/v1/events?types=new_block,bank.transfer</c>. Each event is one SSE message whose
/// data is the <see cref="EventMessage"/> in proto3 JSON (as the REST gateway writes it) and whose id is its height.
/// It is a subscription to the same <see cref="EventBus"/> as chain.node.v1.Events/Subscribe, so the same caps hold
/// (grpc.max_subscriptions, grpc.max_subscriptions_per_client, counted together with gRPC subscribers) and a client
/// that falls behind is dropped. JSON transcoding cannot carry a server stream to EventSource, so this small endpoint
/// is written here, on ASP.NET Core's own SSE writer (TypedResults.ServerSentEvents).
/// </summary>
public static class EventStream
{
    /// <summary>The route of the stream on the gateway.</summary>
    public const string Path = "/chain/node/v1/events";

    /// <summary>Longest event type name accepted in the filter.</summary>
    public const int MaxTypeLength = 128;

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>Answers one SSE request: 400 for a bad filter, 429 when a subscription cap is reached, else the stream.</summary>
    public static IResult Handle(HttpContext http, EventBus bus)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in http.Request.Query["types"])
        {
            foreach (var type in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (type.Length > MaxTypeLength)
                {
                    return Refusal(StatusCodes.Status400BadRequest, Grpc.Core.StatusCode.InvalidArgument, $"types: an event type of {type.Length} characters, more than {MaxTypeLength}");
                }

                types.Add(type);
                if (types.Count > EventsApi.MaxEventTypes)
                {
                    return Refusal(StatusCodes.Status400BadRequest, Grpc.Core.StatusCode.InvalidArgument, $"types: more than {EventsApi.MaxEventTypes} event types");
                }
            }
        }

        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!bus.TrySubscribe(types, client, http.RequestAborted, out var reader, out var refusal))
        {
            return Refusal(StatusCodes.Status429TooManyRequests, Grpc.Core.StatusCode.ResourceExhausted, refusal);
        }

        return TypedResults.ServerSentEvents(Items(reader!, http.RequestAborted));
    }

    /// <summary>A refusal in the shape the transcoded routes use: the gRPC status as JSON, with its HTTP status.</summary>
    private static IResult Refusal(int httpStatus, Grpc.Core.StatusCode code, string message) =>
        Results.Json(new { code = (int)code, message, details = Array.Empty<object>() }, statusCode: httpStatus);

    private static async IAsyncEnumerable<SseItem<string>> Items(System.Threading.Channels.ChannelReader<EventMessage> reader, [EnumeratorCancellation] CancellationToken ct)
    {
        IAsyncEnumerator<EventMessage> messages = reader.ReadAllAsync(ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                try
                {
                    if (!await messages.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException)
                {
                    // the client went away
                    yield break;
                }

                var message = messages.Current;
                yield return new SseItem<string>(Formatter.Format(message)) { EventId = message.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
        finally
        {
            await messages.DisposeAsync();
        }
    }
}
