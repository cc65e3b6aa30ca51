using System.Threading.Channels;

namespace Chain.Node.Production;

/// <summary>
/// The one queue into the consensus loop. Timers, peers and block sync post work here from any thread; the
/// <see cref="ConsensusService"/> runs it, one item at a time, on its loop, where the engine, the evidence pool
/// and the block executor may be touched.
/// </summary>
public sealed class ConsensusInbox
{
    private readonly Channel<Action<IConsensusLoop>> _channel =
        Channel.CreateUnbounded<Action<IConsensusLoop>>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues <paramref name="work"/>; false once the node is stopping.</summary>
    public bool Post(Action<IConsensusLoop> work) => _channel.Writer.TryWrite(work);

    internal ChannelReader<Action<IConsensusLoop>> Reader => _channel.Reader;

    internal void Complete() => _channel.Writer.TryComplete();
}
