using Chain.State.Store;

namespace Chain.State.Modules;

/// <summary>What a handler sees while it runs: the (gas-metered) state, the block it is in, and its event sink.</summary>
public sealed class MsgContext
{
    public MsgContext(IStateStore store, BlockInfo block, GasMeter gas, EventSink events)
    {
        Store = store;
        Block = block;
        Gas = gas;
        Events = events;
    }

    public IStateStore Store { get; }

    public BlockInfo Block { get; }

    public GasMeter Gas { get; }

    public EventSink Events { get; }

    /// <summary>The module's own key space within <see cref="Store"/>.</summary>
    public IStateStore StoreFor(byte[] modulePrefix) => new PrefixStore(Store, modulePrefix);
}
