using Chain.Node.P2p.Identity;

namespace Chain.Node.P2p.Peers;

/// <summary>Node ids refused until a time; thread-safe.</summary>
public sealed class BanList
{
    private readonly Dictionary<NodeId, DateTimeOffset> _until = [];
    private readonly TimeProvider _time;

    public BanList(TimeProvider time) => _time = time;

    /// <summary>Refuses <paramref name="id"/> for <paramref name="duration"/> from now (a longer ban already in place stays).</summary>
    public void Ban(NodeId id, TimeSpan duration)
    {
        var until = _time.GetUtcNow() + duration;
        lock (_until)
        {
            if (!_until.TryGetValue(id, out var existing) || existing < until)
            {
                _until[id] = until;
            }
        }
    }

    public bool IsBanned(NodeId id) => BannedUntil(id) is not null;

    /// <summary>When the ban of <paramref name="id"/> ends, or null when it is not banned.</summary>
    public DateTimeOffset? BannedUntil(NodeId id)
    {
        var now = _time.GetUtcNow();
        lock (_until)
        {
            if (!_until.TryGetValue(id, out var until))
            {
                return null;
            }

            if (until <= now)
            {
                _until.Remove(id);
                return null;
            }

            return until;
        }
    }
}
