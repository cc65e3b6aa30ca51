namespace Chain.Node.P2p.Peers;

/// <summary>
/// Bytes queued to send, against a cap: one per peer (p2p.send_queue_max_bytes) and one for all peers
/// (p2p.send_queue_total_bytes). A message is taken when it fits, or when nothing is queued (so one message of the
/// channel's largest size can always go); otherwise the sender drops it. Thread-safe.
/// </summary>
public sealed class SendBudget(long capacity)
{
    private long _used;

    public long Capacity { get; } = capacity;

    /// <summary>Bytes queued now.</summary>
    public long Used => Volatile.Read(ref _used);

    /// <summary>Counts <paramref name="bytes"/> as queued when they fit; false (and nothing counted) when they do not.</summary>
    public bool TryTake(long bytes)
    {
        var used = Volatile.Read(ref _used);
        while (true)
        {
            if (used != 0 && used + bytes > Capacity)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _used, used + bytes, used);
            if (seen == used)
            {
                return true;
            }

            used = seen;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> taken earlier as sent or dropped.</summary>
    public void Return(long bytes) => Interlocked.Add(ref _used, -bytes);
}
