using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Simulation;

/// <summary>One simulated validator: durable parts (WAL, signer state, block store) survive a crash;
/// the engine and driver are rebuilt from them on restart.</summary>
internal sealed class SimNode : IConsensusHost
{
    private readonly Simulation _sim;

    public SimNode(Simulation sim, int index, FakeKey key, Behaviour behaviour, bool countedHonest)
    {
        _sim = sim;
        Index = index;
        Key = key;
        Behaviour = behaviour;
        CountedHonest = countedHonest;
    }

    public int Index { get; }

    public FakeKey Key { get; }

    public Behaviour Behaviour { get; }

    public bool CountedHonest { get; }

    // Durable.
    public MemoryWriteAheadLog Wal { get; } = new();

    public MemorySignerStateStore SignerState { get; } = new();

    public HeightStart Start { get; set; } = null!;

    /// <summary>Per committed height: the block's proposal and the precommits that decided it (served to peers that lag).</summary>
    public Dictionary<ulong, (Proposal Proposal, Block Block, List<Vote> Precommits)> Decided { get; } = new();

    // Volatile.
    public ConsensusDriver? Driver { get; set; }

    public int Incarnation { get; set; }

    public bool Up => Driver is not null;

    public ulong CommittedHeight => Start.Height - 1;

    /// <summary>First vote seen per (validator, height, round, type) since the last restart, to know which equivocations it saw.</summary>
    public Dictionary<(int, ulong, uint, SignedMsgType), string> SeenVotes { get; } = new();

    public long NowUnixNanos => _sim.NowMs * 1_000_000;

    public ConsensusEngine Engine => Driver!.Engine;

    public void BroadcastProposal(Proposal proposal, Block block)
    {
        _sim.RecordProposal(this, proposal, block);
        if (Behaviour == Behaviour.Equivocator && !_sim.Replaying)
        {
            var (half, otherHalf) = _sim.SplitPeers(Index);
            var request = new BlockRequest(proposal.Height, proposal.Round, Key.Address, Engine.LastCommit, Engine.Validators, Engine.NextValidators);
            Block other = _sim.Blocks.Make(request, $"byz{Index}/{proposal.Height}/{proposal.Round}/alt", _sim.Random.NextDouble() < 0.3);
            var second = new Proposal
            {
                Height = proposal.Height,
                Round = proposal.Round,
                PolRound = -1,
                BlockId = BlockIdentity.Of(other),
                ProposerAddress = proposal.ProposerAddress,
                TimestampUnixNanos = proposal.TimestampUnixNanos,
            };
            second.Signature = ByteString.CopyFrom(Key.Sign(CanonicalSignBytes.ForProposal(_sim.ChainId, second)));
            _sim.RecordProposal(this, second, other);
            _sim.SendTo(Index, half, new ProposalMessageSim(proposal, block));
            _sim.SendTo(Index, otherHalf, new ProposalMessageSim(second, other));
            return;
        }

        _sim.Broadcast(Index, new ProposalMessageSim(proposal, block));
    }

    public void BroadcastVote(Vote vote)
    {
        _sim.RecordSignedVote(this, vote);
        if (Behaviour == Behaviour.Equivocator)
        {
            var (half, otherHalf) = _sim.SplitPeers(Index);
            Vote conflicting = vote.Clone();
            var proposal = Engine.GetProposal(vote.Round);
            conflicting.BlockId = !BlockIdentity.IsNil(vote.BlockId) ? BlockIdentity.Nil
                : proposal is { } p ? p.Proposal.BlockId
                : new BlockId { Hash = ByteString.CopyFrom(new byte[32]) };
            conflicting.Signature = ByteString.CopyFrom(Key.Sign(CanonicalSignBytes.ForVote(_sim.ChainId, conflicting)));
            _sim.RecordSignedVote(this, conflicting);
            _sim.SendTo(Index, half, new VoteMessageSim(vote));
            _sim.SendTo(Index, otherHalf, new VoteMessageSim(conflicting));
            return;
        }

        _sim.Broadcast(Index, new VoteMessageSim(vote));
    }

    public void ScheduleTimeout(TimeoutInfo timeout, TimeSpan delay) => _sim.ScheduleTimeout(this, timeout, delay);

    public IReadOnlyList<ValidatorUpdate> CommitBlock(Block block, Commit commit, HeightStart decidedAt)
    {
        _sim.RecordCommit(this, block, commit);
        if (!Decided.ContainsKey(commit.Height))
        {
            string key = BlockIdentity.Key(commit.BlockId);
            var proposal = Engine.Proposals().First(p => BlockIdentity.Key(p.Proposal.BlockId) == key);
            Decided[commit.Height] = (proposal.Proposal, proposal.Block, Engine.GetVotes(commit.Round, SignedMsgType.Precommit).ToList());
        }

        return _sim.UpdatesAt(commit.Height);
    }

    public void EvidenceFound(DuplicateVoteEvidence evidence) => _sim.RecordEvidence(this, evidence);
}
