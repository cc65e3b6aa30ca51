using Chain.Consensus.Blocks;
using Chain.Consensus.Options;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Engine;

/// <summary>
/// Tendermint consensus (Algorithm 1 of "The latest gossip on BFT consensus", arXiv 1807.04938, as
/// CometBFT implements it) as a deterministic state machine: <see cref="Handle"/> takes one input and
/// returns the outputs to act on. There is no clock, socket, thread or file inside; the block source,
/// proposal validator and signature verifier are pure functions supplied by the caller.
/// The instance is the state: feed it the same inputs and it returns the same outputs, which is what
/// the WAL replay and the deterministic simulator rely on. Not thread-safe; one driver owns it.
/// </summary>
public sealed class ConsensusEngine
{
    private readonly ConsensusOptions _options;
    private readonly string _chainId;
    private readonly byte[]? _self;
    private readonly IBlockSource _blockSource;
    private readonly IProposalValidator _proposalValidator;
    private readonly ISignatureVerifier _verifier;
    private readonly EngineFaults _faults;

    private readonly Dictionary<uint, RoundState> _rounds = new();
    private readonly Dictionary<string, Block> _blocks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _validity = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, ConsensusValidatorSet> _proposerSets = new();
    private readonly HashSet<(int Index, uint Round, SignedMsgType Type)> _evidenceSeen = new();
    private readonly Dictionary<int, int> _misplacedProposals = new();
    private List<ConsensusOutput> _outputs = new();

    private int _selfIndex;
    private Block? _lockedBlock;
    private int _lockedRound = -1;
    private Block? _validBlock;
    private int _validRound = -1;
    private uint _skipToRound;
    private Commit? _decidedCommit;

    /// <param name="self">This validator's address, or null for a node that follows without voting.</param>
    public ConsensusEngine(
        ConsensusOptions options,
        string chainId,
        HeightStart start,
        byte[]? self,
        IBlockSource blockSource,
        IProposalValidator proposalValidator,
        ISignatureVerifier verifier)
        : this(options, chainId, start, self, blockSource, proposalValidator, verifier, EngineFaults.None)
    {
    }

    internal ConsensusEngine(
        ConsensusOptions options,
        string chainId,
        HeightStart start,
        byte[]? self,
        IBlockSource blockSource,
        IProposalValidator proposalValidator,
        ISignatureVerifier verifier,
        EngineFaults faults)
    {
        _options = options.EnsureValid();
        _chainId = chainId;
        _self = self;
        _blockSource = blockSource;
        _proposalValidator = proposalValidator;
        _verifier = verifier;
        _faults = faults;
        if (start.Height == 0)
        {
            throw new ArgumentException("heights start at 1", nameof(start));
        }

        Height = start.Height;
        Validators = start.Validators;
        NextValidators = start.NextValidators;
        LastCommit = start.LastCommit;
        _selfIndex = self is null ? -1 : Validators.IndexOf(self);
    }

    public ulong Height { get; private set; }

    public uint Round { get; private set; }

    public RoundStep Step { get; private set; }

    /// <summary>The validators of <see cref="Height"/>.</summary>
    public ConsensusValidatorSet Validators { get; private set; }

    /// <summary>The validators of <see cref="Height"/> + 1.</summary>
    public ConsensusValidatorSet NextValidators { get; private set; }

    /// <summary>The commit of the previous height (null at height 1).</summary>
    public Commit? LastCommit { get; private set; }

    /// <summary>The current height with its validator sets and last commit.</summary>
    public HeightStart Current => new(Height, Validators, NextValidators, LastCommit);

    public int LockedRound => _lockedRound;

    public BlockId? LockedBlockId => _lockedBlock is null ? null : BlockIdentity.Of(_lockedBlock);

    public int ValidRound => _validRound;

    /// <summary>Messages more than this many rounds ahead of the current round are dropped (they would make
    /// the engine compute proposer priorities that far ahead).</summary>
    public const uint MaxRoundLead = 10_000;

    /// <summary>Rounds beyond the next one in which one validator may open tallies (CometBFT's catch-up rounds),
    /// so a byzantine validator cannot make the engine keep a tally for every round number.</summary>
    public const int MaxFutureRoundsPerValidator = 2;

    /// <summary>Rounds whose proposer is remembered at one height beyond the current and next round (the rest are
    /// computed again when asked), so signed far-round messages cannot make the engine keep a set per round.</summary>
    public const int MaxCachedProposerRounds = 64;

    /// <summary>Rounds of this height whose proposer priorities were computed and kept (for tests).</summary>
    internal int CachedProposerRounds => _proposerSets.Count;

    /// <summary>The rounds of this height in which the engine holds a proposal or votes: the only rounds gossip needs
    /// to look at. Bounded by what the engine accepts (verified messages within <see cref="MaxRoundLead"/>, at most
    /// <see cref="MaxFutureRoundsPerValidator"/> future rounds per validator), never by what a peer announces.</summary>
    public IReadOnlyCollection<uint> RoundsHeld => _rounds.Keys;

    /// <summary>
    /// Whether the last input handled was a proposal or vote that does not verify for the validator it names (bad
    /// signature, unknown proposer, index and address that disagree). Honest nodes only relay what their engine
    /// verified, so the peer that sent it is misbehaving.
    /// </summary>
    public bool LastInputForged { get; private set; }

    /// <summary>
    /// Whether a proposal or vote of the next height is signed by the member of the next height's validators that it
    /// names: checked before such a message is held for the next height, so forged ones take no room there.
    /// </summary>
    public bool SignedByNextValidator(ConsensusInput input) => input switch
    {
        VoteInput { Vote: var vote } => VoterIn(NextValidators, vote) is { } voter && VerifiesVote(voter, vote),
        ProposalInput { Proposal: var proposal } => SignerIn(NextValidators, proposal) >= 0,
        _ => false,
    };

    /// <summary>The member of <paramref name="set"/> that <paramref name="vote"/> names, by index and address alike;
    /// null when the index is out of the set or the address is another's (the signature is not checked).</summary>
    private static ConsensusValidator? VoterIn(ConsensusValidatorSet set, Vote vote)
    {
        if (vote.ValidatorIndex >= (uint)set.Count)
        {
            return null;
        }

        ConsensusValidator voter = set[(int)vote.ValidatorIndex];
        return vote.ValidatorAddress.Span.SequenceEqual(voter.Address) ? voter : null;
    }

    private bool VerifiesVote(ConsensusValidator voter, Vote vote) =>
        _verifier.Verify(voter.PublicKey, CanonicalSignBytes.ForVote(_chainId, vote), vote.Signature.Span);

    /// <summary>The index in <paramref name="set"/> of the proposer <paramref name="proposal"/> names, when its signature
    /// verifies; -1 otherwise.</summary>
    private int SignerIn(ConsensusValidatorSet set, Proposal proposal)
    {
        int index = set.IndexOf(proposal.ProposerAddress.Span);
        return index >= 0 && _verifier.Verify(set[index].PublicKey, CanonicalSignBytes.ForProposal(_chainId, proposal), proposal.Signature.Span)
            ? index
            : -1;
    }

    /// <summary>True once <see cref="Start"/> has run.</summary>
    public bool Started { get; private set; }

    /// <summary>Enters the start height: waits timeout_commit, then round 0.</summary>
    public IReadOnlyList<ConsensusOutput> Start()
    {
        _outputs = new List<ConsensusOutput>();
        Started = true;
        EnterNewHeight();
        return _outputs;
    }

    public IReadOnlyList<ConsensusOutput> Handle(ConsensusInput input)
    {
        if (!Started)
        {
            throw new InvalidOperationException("call Start before feeding inputs");
        }

        _outputs = new List<ConsensusOutput>();
        LastInputForged = false;
        switch (input)
        {
            case ProposalInput p:
                OnProposal(p.Proposal, p.Block);
                break;
            case VoteInput v:
                OnVote(v.Vote);
                break;
            case TimeoutInput t:
                OnTimeout(t.Timeout);
                break;
            case BlockAppliedInput a:
                OnBlockApplied(a);
                break;
            default:
                throw new ArgumentException($"unknown consensus input {input.GetType().Name}", nameof(input));
        }

        return _outputs;
    }

    /// <summary>The proposer of <paramref name="round"/> at the current height.</summary>
    public ConsensusValidator ProposerFor(uint round)
    {
        if (round == 0)
        {
            return Validators.Proposer;
        }

        if (!_proposerSets.TryGetValue(round, out ConsensusValidatorSet? set))
        {
            // Step on from the nearest round already computed below this one, so skipping ahead costs the gap only.
            uint from = 0;
            ConsensusValidatorSet start = Validators;
            foreach ((uint r, ConsensusValidatorSet s) in _proposerSets)
            {
                if (r < round && r > from)
                {
                    from = r;
                    start = s;
                }
            }

            set = start.IncrementProposerPriority((int)(round - from));
            if (_proposerSets.Count < MaxCachedProposerRounds || round <= Round + 1)
            {
                _proposerSets[round] = set;
            }
        }

        return set.Proposer;
    }

    /// <summary>The accepted proposal of a round of the current height, with its block (for gossip).</summary>
    public (Proposal Proposal, Block Block)? GetProposal(uint round) =>
        _rounds.TryGetValue(round, out RoundState? rs) && rs.Proposal is not null ? (rs.Proposal, rs.ProposalBlock!) : null;

    /// <summary>Every accepted proposal of the current height, any round (for catch-up gossip).</summary>
    public IEnumerable<(Proposal Proposal, Block Block)> Proposals()
    {
        foreach (RoundState rs in _rounds.Values)
        {
            if (rs.Proposal is not null)
            {
                yield return (rs.Proposal, rs.ProposalBlock!);
            }

            foreach ((Proposal Proposal, Block Block) other in rs.OtherProposals)
            {
                yield return other;
            }
        }
    }

    /// <summary>The votes held for a round and type of the current height (for gossip).</summary>
    public IReadOnlyList<Vote> GetVotes(uint round, SignedMsgType type) =>
        _rounds.TryGetValue(round, out RoundState? rs) ? rs.Votes(type).All().ToList() : [];

    /// <summary>Whether the vote of validator <paramref name="index"/> is held (for gossip: what a peer lacks).</summary>
    public bool HasVote(uint round, SignedMsgType type, int index) =>
        _rounds.TryGetValue(round, out RoundState? rs) && index >= 0 && index < Validators.Count && rs.Votes(type).Get(index) is not null;

    private void OnProposal(Proposal proposal, Block block)
    {
        if (proposal.Height != Height || Step == RoundStep.Commit)
        {
            return;
        }

        if (!AcceptsRound(proposal.Round, Validators.IndexOf(proposal.ProposerAddress.Span)))
        {
            return;
        }

        _rounds.TryGetValue(proposal.Round, out RoundState? known);
        if (known?.Proposal is not null && known.Proposal.Signature.Equals(proposal.Signature))
        {
            return; // the same proposal again
        }

        if (proposal.PolRound < -1 || proposal.PolRound >= proposal.Round || block.Header is null || block.Header.Height != Height)
        {
            return;
        }

        BlockId id = BlockIdentity.Of(block);
        if (proposal.BlockId is null || !proposal.BlockId.Hash.Equals(id.Hash))
        {
            return;
        }

        // The signature of the validator it names first (one check, as for any vote), and only then the proposer
        // priorities of its round, which cost work in proportion to how far ahead the round is: a forged proposal
        // for a far round costs its signature check and nothing more.
        int signer = SignerIn(Validators, proposal);
        if (signer < 0)
        {
            LastInputForged = true;
            return;
        }

        // A validator signing proposals out of turn is byzantine; after a few at one height its proposals are not
        // worth computing proposer priorities for.
        _misplacedProposals.TryGetValue(signer, out int misplaced);
        if (misplaced >= MaxFutureRoundsPerValidator)
        {
            return;
        }

        ConsensusValidator proposer = ProposerFor(proposal.Round);
        if (!proposal.ProposerAddress.Span.SequenceEqual(proposer.Address))
        {
            _misplacedProposals[signer] = misplaced + 1;
            return;
        }

        // Tallies open only for verified messages, so forged ones cannot make the engine keep state.
        RoundState rs = RoundAt(proposal.Round);
        if (rs.Proposal is not null && rs.OtherProposals.Count >= VoteSet.MaxConflictingPerValidator)
        {
            return;
        }

        _blocks[BlockIdentity.Key(id)] = block;
        if (rs.Proposal is not null)
        {
            // An equivocating proposer: the first proposal stands for prevoting, but the other block is kept,
            // since +2/3 may precommit it (line 49 accepts any proposal of the round).
            if (rs.OtherProposals.Count < VoteSet.MaxConflictingPerValidator)
            {
                rs.OtherProposals.Add((proposal, block));
            }

            CheckRules();
            return;
        }

        rs.Proposal = proposal;
        rs.ProposalBlock = block;
        rs.MarkSeen(Validators.IndexOf(proposer.Address), proposer.VotingPower);
        NoteLaterRound(proposal.Round, rs);
        CheckRules();
    }

    private void OnVote(Vote vote)
    {
        if (vote.Height != Height || (vote.Type != SignedMsgType.Prevote && vote.Type != SignedMsgType.Precommit))
        {
            return;
        }

        if (VoterIn(Validators, vote) is not { } validator)
        {
            LastInputForged = true;
            return;
        }

        int index = (int)vote.ValidatorIndex;

        if (!AcceptsRound(vote.Round, index))
        {
            return;
        }

        _rounds.TryGetValue(vote.Round, out RoundState? known);
        VoteSet? knownSet = known?.Votes(vote.Type);
        Vote? existing = knownSet?.Get(index);
        if (existing is not null && (existing.Signature.Equals(vote.Signature) || knownSet!.GetFor(index, BlockIdentity.Key(vote.BlockId)) is not null))
        {
            return; // the same vote again (or another signature over the same block id)
        }

        if (!VerifiesVote(validator, vote))
        {
            LastInputForged = true;
            return;
        }

        // Tallies open only for verified votes, so forged ones cannot make the engine keep state.
        RoundState rs = RoundAt(vote.Round);
        VoteSet set = rs.Votes(vote.Type);

        if (existing is not null)
        {
            // Two votes for different block ids: double signing.
            if (!_faults.SuppressEvidence && _evidenceSeen.Add((index, vote.Round, vote.Type)))
            {
                _outputs.Add(new EvidenceFound(MakeEvidence(existing, vote, validator.VotingPower, Validators.TotalVotingPower)));
            }

            if (set.AddConflicting(index, validator.VotingPower, vote))
            {
                CheckRules();
            }

            return;
        }

        set.Add(index, validator.VotingPower, vote);
        rs.MarkSeen(index, validator.VotingPower);
        NoteLaterRound(vote.Round, rs);
        CheckRules();
    }

    private void OnTimeout(TimeoutInfo timeout)
    {
        if (timeout.Height != Height || timeout.Round != Round)
        {
            return;
        }

        switch (timeout.Step)
        {
            case TimeoutStep.NewHeight when Step == RoundStep.NewHeight:
                StartRound(0);
                break;
            case TimeoutStep.Propose when Step == RoundStep.Propose && !_faults.IgnoreProposeTimeout:
                // line 57: no acceptable proposal in time
                Prevote(BlockIdentity.Nil);
                Step = RoundStep.Prevote;
                break;
            case TimeoutStep.Prevote when Step == RoundStep.Prevote:
                // line 61
                Precommit(BlockIdentity.Nil);
                Step = RoundStep.Precommit;
                break;
            case TimeoutStep.Precommit when Step is >= RoundStep.Propose and < RoundStep.Commit:
                // line 65
                StartRound(Round + 1);
                break;
            default:
                return;
        }

        CheckRules();
    }

    private void OnBlockApplied(BlockAppliedInput applied)
    {
        if (applied.Height != Height || Step != RoundStep.Commit || _decidedCommit is null)
        {
            throw new InvalidOperationException(
                $"block applied for height {applied.Height}, but the engine is at height {Height} in step {Step}");
        }

        HeightStart next = Current.Next(_decidedCommit, applied.ValidatorUpdates);
        Validators = next.Validators;
        NextValidators = next.NextValidators;
        LastCommit = next.LastCommit;
        Height = next.Height;
        _rounds.Clear();
        _blocks.Clear();
        _validity.Clear();
        _proposerSets.Clear();
        _misplacedProposals.Clear();
        _evidenceSeen.Clear();
        _lockedBlock = null;
        _lockedRound = -1;
        _validBlock = null;
        _validRound = -1;
        _skipToRound = 0;
        _decidedCommit = null;
        _selfIndex = _self is null ? -1 : Validators.IndexOf(_self);
        EnterNewHeight();
    }

    private void EnterNewHeight()
    {
        Round = 0;
        Step = RoundStep.NewHeight;
        _outputs.Add(new ScheduleTimeout(new TimeoutInfo(Height, 0, TimeoutStep.NewHeight), _options.TimeoutCommit));
    }

    private void StartRound(uint round)
    {
        Round = round;
        Step = RoundStep.Propose;
        ConsensusValidator proposer = ProposerFor(round);
        if (_selfIndex >= 0 && proposer.Address.AsSpan().SequenceEqual(_self))
        {
            Block block;
            int polRound;
            if (_validBlock is not null && !_faults.IgnoreValidValue)
            {
                block = _validBlock;
                polRound = _validRound;
            }
            else
            {
                block = _blockSource.CreateBlock(new BlockRequest(Height, round, proposer.Address, LastCommit, Validators, NextValidators));
                polRound = -1;
            }

            var proposal = new Proposal
            {
                Height = Height,
                Round = round,
                PolRound = polRound,
                BlockId = BlockIdentity.Of(block),
                ProposerAddress = ByteString.CopyFrom(_self),
            };
            _outputs.Add(new SignAndBroadcastProposal(proposal, block));
        }

        // Scheduled by the proposer too: if its own proposal never comes back (refused by the guard), it still moves on.
        _outputs.Add(new ScheduleTimeout(new TimeoutInfo(Height, round, TimeoutStep.Propose), _options.ProposeTimeout(round)));
    }

    /// <summary>Runs every "upon" rule of Algorithm 1 that the new state enables, until none does.</summary>
    private void CheckRules()
    {
        while (Step != RoundStep.Commit)
        {
            if (TryCommit())
            {
                return;
            }

            if (_skipToRound > Round)
            {
                // line 55: f+1 of the power has sent messages of a later round
                uint target = _skipToRound;
                _skipToRound = 0;
                StartRound(target);
                continue;
            }

            if (!TryCurrentRound())
            {
                return;
            }
        }
    }

    /// <summary>Line 49: +2/3 precommits for a block we hold, in any round of this height.</summary>
    private bool TryCommit()
    {
        foreach ((uint round, RoundState rs) in _rounds)
        {
            VoteSet precommits = rs.Precommits;
            string? key = precommits.LeadingKey;
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            bool quorum = _faults.CommitOnHalf
                ? precommits.LeadingPower * 2 > precommits.TotalPower
                : precommits.LeadingPower * 3 > precommits.TotalPower * 2;
            if (quorum && _blocks.TryGetValue(key, out Block? block) && IsValid(key, block))
            {
                Decide(round, key, block);
                return true;
            }
        }

        return false;
    }

    private bool TryCurrentRound()
    {
        RoundState rs = RoundAt(Round);
        string? proposalKey = rs.ProposalBlock is null ? null : BlockIdentity.Key(rs.Proposal!.BlockId);

        if (Step == RoundStep.Propose && rs.Proposal is not null)
        {
            Block v = rs.ProposalBlock!;
            int vr = rs.Proposal.PolRound;
            if (vr == -1)
            {
                // line 22, with CometBFT's timeliness: a fresh proposal's time may not run ahead of our clock
                bool prevoteIt = IsValid(proposalKey!, v) && (_faults.AcceptInvalidBlocks || _proposalValidator.IsTimely(v)) && (_faults.IgnoreLock || _lockedRound == -1 || LockedKey() == proposalKey);
                Prevote(prevoteIt ? rs.Proposal.BlockId : BlockIdentity.Nil);
                Step = RoundStep.Prevote;
                return true;
            }

            if (vr < Round && _rounds.TryGetValue((uint)vr, out RoundState? polRound) && polRound.Prevotes.HasTwoThirdsFor(proposalKey!))
            {
                // line 28: a re-proposal backed by a proof-of-lock from round vr
                bool prevoteIt = IsValid(proposalKey!, v) && (_faults.IgnoreLock || _lockedRound <= vr || LockedKey() == proposalKey);
                Prevote(prevoteIt ? rs.Proposal.BlockId : BlockIdentity.Nil);
                Step = RoundStep.Prevote;
                return true;
            }
        }

        if (Step == RoundStep.Prevote && !rs.PrevoteTimeoutScheduled && rs.Prevotes.HasTwoThirdsAny)
        {
            // line 34
            rs.PrevoteTimeoutScheduled = true;
            _outputs.Add(new ScheduleTimeout(new TimeoutInfo(Height, Round, TimeoutStep.Prevote), _options.PrevoteTimeout(Round)));
        }

        if (Step >= RoundStep.Prevote && !rs.PolUpdateDone && proposalKey is not null &&
            rs.Prevotes.HasTwoThirdsFor(proposalKey) && IsValid(proposalKey, rs.ProposalBlock!))
        {
            // line 36
            rs.PolUpdateDone = true;
            if (Step == RoundStep.Prevote)
            {
                _lockedBlock = rs.ProposalBlock;
                _lockedRound = (int)Round;
                Precommit(rs.Proposal!.BlockId);
                Step = RoundStep.Precommit;
            }

            _validBlock = rs.ProposalBlock;
            _validRound = (int)Round;
            return true;
        }

        if (Step == RoundStep.Prevote && rs.Prevotes.HasTwoThirdsFor(string.Empty))
        {
            // line 44
            Precommit(BlockIdentity.Nil);
            Step = RoundStep.Precommit;
            return true;
        }

        if (!rs.PrecommitTimeoutScheduled && rs.Precommits.HasTwoThirdsAny && Step >= RoundStep.Propose)
        {
            // line 47
            rs.PrecommitTimeoutScheduled = true;
            _outputs.Add(new ScheduleTimeout(new TimeoutInfo(Height, Round, TimeoutStep.Precommit), _options.PrecommitTimeout(Round)));
        }

        return false;
    }

    private void Decide(uint round, string key, Block block)
    {
        Step = RoundStep.Commit;
        RoundState rs = _rounds[round];
        BlockId id = BlockIdentity.Of(block);
        var commit = new Commit { Height = Height, Round = round, BlockId = id };
        for (int i = 0; i < Validators.Count; i++)
        {
            Vote? vote = rs.Precommits.GetFor(i, key) ?? rs.Precommits.Get(i);
            string voteKey = vote is null ? "-" : BlockIdentity.Key(vote.BlockId);
            if (vote is null || (voteKey.Length > 0 && voteKey != key))
            {
                commit.Signatures.Add(new CommitSig { BlockIdFlag = BlockIdFlag.Absent });
                continue;
            }

            commit.Signatures.Add(new CommitSig
            {
                BlockIdFlag = voteKey.Length == 0 ? BlockIdFlag.Nil : BlockIdFlag.Commit,
                ValidatorAddress = vote.ValidatorAddress,
                TimestampUnixNanos = vote.TimestampUnixNanos,
                Signature = vote.Signature,
            });
        }

        _decidedCommit = commit;
        _outputs.Add(new CommitBlock(block, commit));
    }

    private void Prevote(BlockId id) => CastVote(SignedMsgType.Prevote, id);

    private void Precommit(BlockId id) => CastVote(SignedMsgType.Precommit, id);

    private void CastVote(SignedMsgType type, BlockId id)
    {
        if (_selfIndex < 0)
        {
            return;
        }

        _outputs.Add(new SignAndBroadcastVote(new Vote
        {
            Type = type,
            Height = Height,
            Round = Round,
            BlockId = id,
            ValidatorAddress = ByteString.CopyFrom(_self),
            ValidatorIndex = (uint)_selfIndex,
        }));
    }

    private void NoteLaterRound(uint round, RoundState rs)
    {
        if (round > Round && round > _skipToRound && rs.SeenPower * 3 > Validators.TotalVotingPower)
        {
            _skipToRound = round;
        }
    }

    /// <summary>
    /// Whether a message of validator <paramref name="index"/> for <paramref name="round"/> may be tallied: any round
    /// up to the next one; a later one only within <see cref="MaxRoundLead"/> and only if the validator is already
    /// seen there or has fewer than <see cref="MaxFutureRoundsPerValidator"/> such rounds. What is dropped comes
    /// back by gossip once this node's round catches up.
    /// </summary>
    private bool AcceptsRound(uint round, int index)
    {
        if (index < 0)
        {
            return false;
        }

        if (round <= Round + 1)
        {
            return true;
        }

        if (round - Round > MaxRoundLead)
        {
            return false;
        }

        if (_rounds.TryGetValue(round, out RoundState? existing) && existing.HasSeen(index))
        {
            return true;
        }

        int ahead = 0;
        foreach ((uint r, RoundState rs) in _rounds)
        {
            if (r > Round + 1 && rs.HasSeen(index))
            {
                ahead++;
            }
        }

        return ahead < MaxFutureRoundsPerValidator;
    }

    private RoundState RoundAt(uint round)
    {
        if (!_rounds.TryGetValue(round, out RoundState? rs))
        {
            rs = new RoundState(Validators.Count, Validators.TotalVotingPower);
            _rounds[round] = rs;
        }

        return rs;
    }

    private string? LockedKey() => _lockedBlock is null ? null : BlockIdentity.Key(BlockIdentity.Of(_lockedBlock));

    private bool IsValid(string key, Block block)
    {
        if (!_validity.TryGetValue(key, out bool valid))
        {
            valid = _faults.AcceptInvalidBlocks || _proposalValidator.IsValid(block);
            _validity[key] = valid;
        }

        return valid;
    }

    private static DuplicateVoteEvidence MakeEvidence(Vote first, Vote second, long validatorPower, long totalPower)
    {
        // Order the pair by block id so every node that sees it builds the same evidence.
        bool swap = string.CompareOrdinal(BlockIdentity.Key(first.BlockId), BlockIdentity.Key(second.BlockId)) > 0;
        Vote a = swap ? second : first;
        Vote b = swap ? first : second;
        return new DuplicateVoteEvidence
        {
            VoteA = a,
            VoteB = b,
            ValidatorPower = validatorPower,
            TotalVotingPower = totalPower,
            TimestampUnixNanos = Math.Max(a.TimestampUnixNanos, b.TimestampUnixNanos),
        };
    }
}
