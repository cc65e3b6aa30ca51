using System.Threading.Channels;
using Chain.Proto.NodeService;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Node.Events;

/// <summary>
/// Fans committed events out to subscribers. Each subscriber has a bounded queue; one that falls too
/// far behind is dropped (its stream ends) rather than slowing the node.
/// </summary>
public sealed class EventBus
{
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = new();

    public int Capacity { get; init; } = 10_000;

    /// <summary>
    /// A queue of the committed events whose type is in <paramref name="types"/> (all when empty). The filter runs
    /// before the queue, so a subscriber to new_block alone is not dropped because a block carried many tx events.
    /// </summary>
    public ChannelReader<EventMessage> Subscribe(IReadOnlySet<string> types, CancellationToken ct)
    {
        var subscriber = new Subscriber(
            Channel.CreateBounded<EventMessage>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }),
            types);
        lock (_gate)
        {
            _subscribers.Add(subscriber);
        }

        ct.Register(() => Unsubscribe(subscriber));
        return subscriber.Queue.Reader;
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
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

        var messages = new List<EventMessage>();
        foreach (var e in results.BeginBlockEvents)
        {
            messages.Add(new EventMessage { Height = height, Event = e });
        }

        foreach (var r in results.Results)
        {
            foreach (var e in r.Events)
            {
                messages.Add(new EventMessage { Height = height, TxHash = r.TxHash, Event = e });
            }
        }

        foreach (var e in results.EndBlockEvents)
        {
            messages.Add(new EventMessage { Height = height, Event = e });
        }

        messages.Add(new EventMessage { Height = height, TxHash = ByteString.Empty, Event = new Event { Type = "new_block" } });
        foreach (var target in targets)
        {
            foreach (var m in messages)
            {
                if (target.Types.Count > 0 && !target.Types.Contains(m.Event.Type))
                {
                    continue;
                }

                if (!target.Queue.Writer.TryWrite(m))
                {
                    Unsubscribe(target);
                    break;
                }
            }
        }
    }

    private sealed record Subscriber(Channel<EventMessage> Queue, IReadOnlySet<string> Types);
}
