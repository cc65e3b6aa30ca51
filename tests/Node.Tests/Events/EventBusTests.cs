using System.Threading.Channels;
using Chain.Node.Events;
using Chain.Proto.NodeService;
using Chain.Proto.Types;

namespace Chain.Node.Tests.Events;

public sealed class EventBusTests
{
    private static BlockResults BlockWithTxEvents(int txs)
    {
        var results = new BlockResults();
        for (int i = 0; i < txs; i++)
        {
            results.Results.Add(new TxResult { Events = { new Event { Type = "transfer" }, new Event { Type = "message" } } });
        }

        return results;
    }

    private static ChannelReader<EventMessage> Subscribe(EventBus bus, string client, IReadOnlySet<string>? types = null, CancellationToken ct = default)
    {
        Assert.True(bus.TrySubscribe(types ?? new HashSet<string>(), client, ct, out var reader, out var refusal), refusal);
        return reader!;
    }

    private static BlockResults BlockWithAttribute(int chars) =>
        new() { Results = { new TxResult { Events = { new Event { Type = "big", Attributes = { new EventAttribute { Key = "k", Value = new string('x', chars) } } } } } } };

    [Fact]
    public void Subscriptions_beyond_the_total_or_the_per_client_cap_are_refused_until_one_ends()
    {
        var bus = new EventBus { MaxSubscribers = 3, MaxSubscribersPerClient = 2 };
        using var first = new CancellationTokenSource();
        Subscribe(bus, "10.0.0.1", ct: first.Token);
        Subscribe(bus, "10.0.0.1");

        Assert.False(bus.TrySubscribe(new HashSet<string>(), "10.0.0.1", default, out _, out var perClient));
        Assert.Contains("2 subscriptions from 10.0.0.1", perClient, StringComparison.Ordinal);
        Subscribe(bus, "10.0.0.2");
        Assert.False(bus.TrySubscribe(new HashSet<string>(), "10.0.0.3", default, out _, out var total));
        Assert.Contains("3 subscriptions", total, StringComparison.Ordinal);
        Assert.Equal(3, bus.SubscriberCount);

        // A subscription that ends frees its slot, for its client and in total.
        first.Cancel();
        Assert.Equal(2, bus.SubscriberCount);
        Subscribe(bus, "10.0.0.1", new HashSet<string> { "new_block" });
        Assert.False(bus.TrySubscribe(new HashSet<string>(), "10.0.0.3", default, out _, out _));
    }

    [Fact]
    public void A_subscriber_whose_queue_passes_its_byte_cap_is_dropped_but_one_that_reads_is_not()
    {
        var bus = new EventBus { MaxQueueBytes = 4096 };
        var slow = Subscribe(bus, "slow");
        var reader = Subscribe(bus, "reader");
        for (ulong height = 1; height <= 3; height++)
        {
            bus.Publish(height, BlockWithAttribute(2000));
            while (reader.TryRead(out _))
            {
            }
        }

        // Three blocks of ~2 KB each: under the item capacity, over the slow one's bytes; the reader kept its queue short.
        Assert.Equal(1, bus.SubscriberCount);
        Assert.False(reader.Completion.IsCompleted);
        while (slow.TryRead(out _))
        {
        }

        Assert.True(slow.Completion.IsCompleted);
    }

    [Fact]
    public void A_new_block_subscriber_is_not_dropped_by_a_block_with_many_tx_events()
    {
        var bus = new EventBus { Capacity = 10 };
        var blocksOnly = Subscribe(bus, "client", new HashSet<string> { "new_block" });
        var everything = Subscribe(bus, "client");

        bus.Publish(1, BlockWithTxEvents(50));
        bus.Publish(2, BlockWithTxEvents(50));

        Assert.True(blocksOnly.TryRead(out EventMessage? first));
        Assert.Equal(("new_block", 1UL), (first!.Event.Type, first.Height));
        Assert.True(blocksOnly.TryRead(out EventMessage? second));
        Assert.Equal(2UL, second!.Height);
        Assert.False(blocksOnly.Completion.IsCompleted);

        // A subscriber to everything that cannot keep up is dropped rather than slowing the node.
        Assert.Equal(1, bus.SubscriberCount);
        Assert.Equal(10, everything.Count);
    }
}
