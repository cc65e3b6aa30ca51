using Chain.Node.P2p.Identity;

namespace Chain.Node.Reactors;

/// <summary>
/// What peers' messages may occupy while they wait to be processed (the consensus inbox, the mempool's check queue):
/// per peer and in total, in bytes and in messages. A peer with nothing waiting may always queue one message (of any
/// size the transport let through, so the largest proposal is never refused for its size alone); beyond that a
/// message that would pass a cap is dropped, so one fast or hostile peer cannot fill the queue and crowd out the
/// others. Thread-safe.
/// </summary>
public sealed class PeerQueueBudget(long maxBytesPerPeer, int maxMessagesPerPeer, long maxBytesTotal, int maxMessagesTotal)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<NodeId, (long Bytes, int Messages)> _byPeer = new();
    private long _bytes;
    private int _messages;

    /// <summary>The consensus inbox's: 32 MiB and 5,000 messages per peer, 128 MiB and 20,000 messages for all peers.</summary>
    public static PeerQueueBudget ConsensusInbox() => new(32L * 1024 * 1024, 5_000, 128L * 1024 * 1024, 20_000);

    /// <summary>Bytes waiting in total (for tests and metrics).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Takes room for a message of <paramref name="size"/> bytes from <paramref name="peer"/>; false when it must be dropped.</summary>
    public bool TryReserve(NodeId peer, long size)
    {
        lock (_lock)
        {
            _byPeer.TryGetValue(peer, out var mine);
            bool fits = mine.Messages == 0
                ? _messages == 0 || (_bytes + size <= maxBytesTotal && _messages < maxMessagesTotal)
                : mine.Bytes + size <= maxBytesPerPeer && mine.Messages < maxMessagesPerPeer &&
                  _bytes + size <= maxBytesTotal && _messages < maxMessagesTotal;
            if (!fits)
            {
                return false;
            }

            _byPeer[peer] = (mine.Bytes + size, mine.Messages + 1);
            _bytes += size;
            _messages++;
            return true;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took, once the message ran (or could not be queued).</summary>
    public void Release(NodeId peer, long size)
    {
        lock (_lock)
        {
            if (!_byPeer.TryGetValue(peer, out var mine))
            {
                return;
            }

            mine = (mine.Bytes - size, mine.Messages - 1);
            if (mine.Messages <= 0)
            {
                _byPeer.Remove(peer);
            }
            else
            {
                _byPeer[peer] = mine;
            }

            _bytes -= size;
            _messages--;
        }
    }
}
