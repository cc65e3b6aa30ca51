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

    [Fact]
    public void A_new_block_subscriber_is_not_dropped_by_a_block_with_many_tx_events()
    {
        var bus = new EventBus { Capacity = 10 };
        var blocksOnly = bus.Subscribe(new HashSet<string> { "new_block" }, CancellationToken.None);
        var everything = bus.Subscribe(new HashSet<string>(), CancellationToken.None);

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
