using Chain.Consensus.Blocks;
using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>The votes of one type in one round of one height, tallied by voting power per block id.</summary>
internal sealed class VoteSet
{
    private readonly Vote?[] _votes;
    private readonly Dictionary<string, long> _powerByBlock = new(StringComparer.Ordinal);
    private Dictionary<int, List<Vote>>? _conflicting;

    public const int MaxConflictingPerValidator = 3;

    public VoteSet(int validators, long totalPower)
    {
        _votes = new Vote?[validators];
        TotalPower = totalPower;
    }

    public long TotalPower { get; }

    /// <summary>Power of every vote received, whatever it is for.</summary>
    public long PowerAny { get; private set; }

    /// <summary>The block key (empty = nil) with the most power, and that power.</summary>
    public string? LeadingKey { get; private set; }

    public long LeadingPower { get; private set; }

    public Vote? Get(int index) => _votes[index];

    public long PowerFor(string key) => _powerByBlock.GetValueOrDefault(key);

    public bool HasTwoThirdsAny => PowerAny * 3 > TotalPower * 2;

    public bool HasTwoThirdsFor(string key) => PowerFor(key) * 3 > TotalPower * 2;

    /// <summary>The block (or nil) with +2/3, if any.</summary>
    public string? TwoThirdsMajority => LeadingKey is not null && LeadingPower * 3 > TotalPower * 2 ? LeadingKey : null;

    /// <summary>A validator's first vote in this set.</summary>
    public void Add(int index, long power, Vote vote)
    {
        _votes[index] = vote;
        PowerAny += power;
        Tally(BlockIdentity.Key(vote.BlockId), power);
    }

    /// <summary>
    /// A validator's validly signed vote for another block than its first one (it equivocated). It still counts
    /// toward that block: a set of signed votes for one block with +2/3 of the power proves the block whoever else
    /// saw other votes (CometBFT reaches the same end through peers' maj23 claims). At most
    /// <see cref="MaxConflictingPerValidator"/> are kept per validator, so an equivocator cannot fill memory.
    /// </summary>
    public bool AddConflicting(int index, long power, Vote vote)
    {
        string key = BlockIdentity.Key(vote.BlockId);
        _conflicting ??= new Dictionary<int, List<Vote>>();
        if (!_conflicting.TryGetValue(index, out List<Vote>? list))
        {
            list = new List<Vote>(1);
            _conflicting[index] = list;
        }

        if (list.Count >= MaxConflictingPerValidator || list.Exists(v => BlockIdentity.Key(v.BlockId) == key))
        {
            return false;
        }

        list.Add(vote);
        Tally(key, power);
        return true;
    }

    /// <summary>The vote of validator <paramref name="index"/> for <paramref name="key"/>, first or conflicting.</summary>
    public Vote? GetFor(int index, string key)
    {
        Vote? first = _votes[index];
        if (first is not null && BlockIdentity.Key(first.BlockId) == key)
        {
            return first;
        }

        if (_conflicting is not null && _conflicting.TryGetValue(index, out List<Vote>? list))
        {
            return list.Find(v => BlockIdentity.Key(v.BlockId) == key);
        }

        return null;
    }

    private void Tally(string key, long power)
    {
        long p = _powerByBlock.GetValueOrDefault(key) + power;
        _powerByBlock[key] = p;
        if (p > LeadingPower)
        {
            LeadingPower = p;
            LeadingKey = key;
        }
    }

    /// <summary>Every vote held, conflicting ones included (so gossip spreads the evidence too).</summary>
    public IEnumerable<Vote> All()
    {
        foreach (Vote? v in _votes)
        {
            if (v is not null)
            {
                yield return v;
            }
        }

        if (_conflicting is not null)
        {
            foreach (List<Vote> list in _conflicting.Values)
            {
                foreach (Vote v in list)
                {
                    yield return v;
                }
            }
        }
    }
}
