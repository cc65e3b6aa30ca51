using Chain.Proto.Types;

namespace Chain.Node.Reactors;

/// <summary>
/// What this node knows of one peer's consensus: the height, round and step it last announced, and which
/// proposals and votes it has (it sent them to us, said it has them, or we sent them), so gossip sends each
/// one at most once. Kept for the peer's height, the one before and the one after it, and at most
/// <see cref="MaxMarksPerHeight"/> marks per height: what a peer announces never grows it further (a mark that is
/// not kept only means the item may be sent again). Thread-safe.
/// </summary>
public sealed class PeerRoundState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, HashSet<(uint Round, SignedMsgType Type, uint Index)>> _votes = new();
    private readonly Dictionary<ulong, HashSet<uint>> _proposals = new();

    /// <summary>Proposals or votes remembered per height: a round's votes for a few hundred validators, for many
    /// rounds, with room to spare.</summary>
    public const int MaxMarksPerHeight = 16_384;

    public ulong Height { get; private set; }

    /// <summary>Marks held over all heights (for tests).</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _votes.Values.Sum(v => v.Count) + _proposals.Values.Sum(p => p.Count);
            }
        }
    }

    public uint Round { get; private set; }

    public uint Step { get; private set; }

    /// <summary>The peer announced its step.</summary>
    public void Update(ulong height, uint round, uint step)
    {
        lock (_lock)
        {
            Height = height;
            Round = round;
            Step = step;
            Prune(_votes, height);
            Prune(_proposals, height);
        }
    }

    /// <summary>Marks the vote known to the peer; true when it was not known before.</summary>
    public bool MarkVote(Vote vote) => MarkVote(vote.Height, vote.Round, vote.Type, vote.ValidatorIndex);

    public bool MarkVote(ulong height, uint round, SignedMsgType type, uint index)
    {
        lock (_lock)
        {
            return Mark(_votes, height, (round, type, index));
        }
    }

    /// <summary>Marks the proposal of (height, round) known to the peer; true when it was not known before.</summary>
    public bool MarkProposal(ulong height, uint round)
    {
        lock (_lock)
        {
            return Mark(_proposals, height, round);
        }
    }

    /// <summary>True when the item should be sent: not known to the peer, or of a height this state does not keep
    /// (beyond the one after the peer's). Heights before the peer's previous one are never sent.</summary>
    private bool Mark<T>(Dictionary<ulong, HashSet<T>> byHeight, ulong height, T item)
    {
        if (height + 1 < Height)
        {
            return false;
        }

        if (height > Height + 1)
        {
            return true;
        }

        if (!byHeight.TryGetValue(height, out HashSet<T>? set))
        {
            set = new HashSet<T>();
            byHeight[height] = set;
        }

        return set.Count >= MaxMarksPerHeight ? !set.Contains(item) : set.Add(item);
    }

    private static void Prune<T>(Dictionary<ulong, HashSet<T>> byHeight, ulong height)
    {
        foreach (ulong h in byHeight.Keys.ToList())
        {
            if (h + 1 < height)
            {
                byHeight.Remove(h);
            }
        }
    }
}
