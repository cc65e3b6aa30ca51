using Chain.Proto.Types;

namespace Chain.Consensus.Engine;

/// <summary>What the engine knows about one round of the current height.</summary>
internal sealed class RoundState
{
    private readonly bool[] _seen;

    public RoundState(int validators, long totalPower)
    {
        Prevotes = new VoteSet(validators, totalPower);
        Precommits = new VoteSet(validators, totalPower);
        _seen = new bool[validators];
    }

    public Proposal? Proposal { get; set; }

    public Block? ProposalBlock { get; set; }

    /// <summary>Further proposals of an equivocating proposer (bounded), kept so their blocks can be committed.</summary>
    public List<(Proposal Proposal, Block Block)> OtherProposals { get; } = new();

    public VoteSet Prevotes { get; }

    public VoteSet Precommits { get; }

    /// <summary>Power of distinct validators with any message in this round (the f+1 round-skip rule).</summary>
    public long SeenPower { get; private set; }

    public bool PrevoteTimeoutScheduled { get; set; }

    public bool PrecommitTimeoutScheduled { get; set; }

    /// <summary>Line 36 of Algorithm 1 ran ("for the first time").</summary>
    public bool PolUpdateDone { get; set; }

    public bool HasSeen(int index) => _seen[index];

    public void MarkSeen(int index, long power)
    {
        if (!_seen[index])
        {
            _seen[index] = true;
            SeenPower += power;
        }
    }

    public VoteSet Votes(SignedMsgType type) => type == SignedMsgType.Prevote ? Prevotes : Precommits;
}
