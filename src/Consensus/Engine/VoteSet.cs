using Chain.Consensus.Blocks;
using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>The votes of one type in one round of one height, tallied by voting power per block id.</summary>
internal sealed class VoteSet
{
    private readonly Vote?[] _votes;
    private readonly Dictionary<string, long> _powerByBlock = new(StringComparer.Ordinal);

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

    public void Add(int index, long power, Vote vote)
    {
        string key = BlockIdentity.Key(vote.BlockId);
        _votes[index] = vote;
        PowerAny += power;
        long p = _powerByBlock.GetValueOrDefault(key) + power;
        _powerByBlock[key] = p;
        if (p > LeadingPower)
        {
            LeadingPower = p;
            LeadingKey = key;
        }
    }

    public IEnumerable<Vote> All()
    {
        foreach (Vote? v in _votes)
        {
            if (v is not null)
            {
                yield return v;
            }
        }
    }
}
