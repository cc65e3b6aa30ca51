using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Chain.Node.Config;
using Chain.Proto.NodeService;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Node.Events;

/// <summary>
/// Fans committed events out to subscribers. There are at most <see cref="MaxSubscribers"/> subscribers, at most
/// <see cref="MaxSubscribersPerClient"/> from one client address. Each has a queue bounded in items
/// (<see cref="Capacity"/>) and in bytes (<see cref="MaxQueueBytes"/>); one that falls further behind is dropped (its
/// stream ends) rather than slowing the node or holding its memory.
/// </summary>
public sealed class EventBus
{
    /// <summary>Default of <see cref="MaxQueueBytes"/>: 16 MiB of events waiting for one subscriber.</summary>
    public const long DefaultMaxQueueBytes = 16L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = new();
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);

    /// <summary>Most events queued for one subscriber.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Most bytes of events (their protobuf size) queued for one subscriber.</summary>
    public long MaxQueueBytes { get; init; } = DefaultMaxQueueBytes;

    /// <summary>Most subscribers at once (<c>grpc.max_subscriptions</c>).</summary>
    public int MaxSubscribers { get; init; } = GrpcOptions.DefaultMaxSubscriptions;

    /// <summary>Most subscribers at once from one client address (<c>grpc.max_subscriptions_per_client</c>).</summary>
    public int MaxSubscribersPerClient { get; init; } = GrpcOptions.DefaultMaxSubscriptionsPerClient;

    /// <summary>
    /// A queue of the committed events whose type is in <paramref name="types"/> (all when empty), for
    /// <paramref name="client"/> (its address), until <paramref name="ct"/> ends it; or, when a cap is reached, false with
    /// the reason. The filter runs before the queue, so a subscriber to new_block alone is not dropped because a block
    /// carried many tx events.
    /// </summary>
    public bool TrySubscribe(IReadOnlySet<string> types, string client, CancellationToken ct, out ChannelReader<EventMessage>? reader, out string refusal)
    {
        var subscriber = new Subscriber(
            Channel.CreateBounded<Queued>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }),
            types,
            client);
        lock (_gate)
        {
            var fromClient = _perClient.GetValueOrDefault(client);
            if (_subscribers.Count >= MaxSubscribers)
            {
                (reader, refusal) = (null, $"the node already serves {_subscribers.Count} subscriptions, its limit (grpc.max_subscriptions); try again later");
                return false;
            }

            if (fromClient >= MaxSubscribersPerClient)
            {
                (reader, refusal) = (null, $"the node already serves {fromClient} subscriptions from {client}, its limit per client (grpc.max_subscriptions_per_client); close one first");
                return false;
            }

            _subscribers.Add(subscriber);
            _perClient[client] = fromClient + 1;
        }

        ct.Register(() => Unsubscribe(subscriber));
        (reader, refusal) = (new SubscriberReader(subscriber), string.Empty);
        return true;
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
        {
            if (_subscribers.Remove(subscriber))
            {
                var left = _perClient[subscriber.Client] - 1;
                if (left == 0)
                {
                    _perClient.Remove(subscriber.Client);
                }
                else
                {
                    _perClient[subscriber.Client] = left;
                }
            }
        }

        subscriber.Queue.Writer.TryComplete();
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Publishes every event of a committed block, in order.</summary>
    public void Publish(ulong height, BlockResults results)
    {
        Subscriber[] targets;
        lock (_gate)
        {
            if (_subscribers.Count == 0)
            {
                return;
            }

            targets = _subscribers.ToArray();
        }

        var messages = new List<(EventMessage Message, int Size)>();
        foreach (var e in results.BeginBlockEvents)
        {
            Add(messages, new EventMessage { Height = height, Event = e });
        }

        foreach (var r in results.Results)
        {
            foreach (var e in r.Events)
            {
                Add(messages, new EventMessage { Height = height, TxHash = r.TxHash, Event = e });
            }
        }

        foreach (var e in results.EndBlockEvents)
        {
            Add(messages, new EventMessage { Height = height, Event = e });
        }

        Add(messages, new EventMessage { Height = height, TxHash = ByteString.Empty, Event = new Event { Type = "new_block" } });
        foreach (var target in targets)
        {
            foreach (var (m, size) in messages)
            {
                if (target.Types.Count > 0 && !target.Types.Contains(m.Event.Type))
                {
                    continue;
                }

                if (Interlocked.Add(ref target.QueuedBytes, size) > MaxQueueBytes || !target.Queue.Writer.TryWrite(new Queued(m, size)))
                {
                    Unsubscribe(target);
                    break;
                }
            }
        }
    }

    private static void Add(List<(EventMessage, int)> messages, EventMessage message) => messages.Add((message, message.CalculateSize()));

    private readonly record struct Queued(EventMessage Message, int Size);

    private sealed class Subscriber(Channel<Queued> queue, IReadOnlySet<string> types, string client)
    {
        public Channel<Queued> Queue { get; } = queue;

        public IReadOnlySet<string> Types { get; } = types;

        public string Client { get; } = client;

        /// <summary>Bytes written to the queue and not yet read.</summary>
        public long QueuedBytes;
    }

    /// <summary>The subscriber's side of its queue: reading an event gives its bytes back to the queue's byte cap.</summary>
    private sealed class SubscriberReader(Subscriber subscriber) : ChannelReader<EventMessage>
    {
        public override Task Completion => subscriber.Queue.Reader.Completion;

        public override bool CanCount => true;

        public override int Count => subscriber.Queue.Reader.Count;

        public override bool TryRead([MaybeNullWhen(false)] out EventMessage item)
        {
            if (subscriber.Queue.Reader.TryRead(out var queued))
            {
                Interlocked.Add(ref subscriber.QueuedBytes, -queued.Size);
                item = queued.Message;
                return true;
            }

            item = null;
            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            subscriber.Queue.Reader.WaitToReadAsync(cancellationToken);
    }
}
