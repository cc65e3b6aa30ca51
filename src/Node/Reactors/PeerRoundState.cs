using Chain.Proto.Types;

namespace Chain.Node.Reactors;

/// <summary>
/// What this node knows of one peer's consensus: the height, round and step it last announced, and which
/// proposals and votes it has (it sent them to us, said it has them, or we sent them), so gossip sends each
/// one at most once. Kept for the peer's height and the one before it. Thread-safe.
/// </summary>
public sealed class PeerRoundState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, HashSet<(uint Round, SignedMsgType Type, uint Index)>> _votes = new();
    private readonly Dictionary<ulong, HashSet<uint>> _proposals = new();

    public ulong Height { get; private set; }

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
            return height + 1 >= Height && For(_votes, height).Add((round, type, index));
        }
    }

    /// <summary>Marks the proposal of (height, round) known to the peer; true when it was not known before.</summary>
    public bool MarkProposal(ulong height, uint round)
    {
        lock (_lock)
        {
            return height + 1 >= Height && For(_proposals, height).Add(round);
        }
    }

    private static HashSet<T> For<T>(Dictionary<ulong, HashSet<T>> byHeight, ulong height)
    {
        if (!byHeight.TryGetValue(height, out HashSet<T>? set))
        {
            set = new HashSet<T>();
            byHeight[height] = set;
        }

        return set;
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
