using Chain.Consensus.Engine;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Consensus.Driver;

/// <summary>
/// Feeds the pure <see cref="ConsensusEngine"/> and carries out what it asks, with the durability rules:
/// a timeout is appended to the WAL before the engine sees it, and a peer's proposal or vote once the engine has
/// verified its signature and taken it, before anything the engine does with it (so a forged or repeated message
/// costs no disk, and peers' messages of one height take at most <see cref="MaxPeerWalBytesPerHeight"/>; messages the
/// engine drops change none of its state, so replay still ends where the node was); every own signature goes through the
/// <see cref="DoubleSignGuard"/> and is appended with fsync (which also makes the inputs before it durable)
/// before it is broadcast or acted on; a committed block is stored by the host before the end-of-height
/// marker is synced. <see cref="Start"/> replays the WAL of the current height, so a restarted validator
/// resumes exactly where it was. Single-threaded: the node calls it from one consensus loop.
/// </summary>
public sealed class ConsensusDriver
{
    private readonly ConsensusEngine _engine;
    private readonly IWriteAheadLog _wal;
    private readonly DoubleSignGuard? _guard;
    private readonly IConsensusHost _host;
    private readonly ILogger<ConsensusDriver> _logger;
    private readonly Queue<(ConsensusInput Input, bool FromPeer)> _pending = new();
    private readonly List<ConsensusInput> _nextHeight = new();
    private long _nextHeightBytes;
    private bool? _firstForged;
    private bool _replaying;
    private bool _started;
    private long _peerWalBytes;
    private bool _peerWalCapWarned;

    /// <param name="guard">This validator's guarded signer; null for a node that follows without voting.</param>
    /// <param name="maxPeerWalBytesPerHeight">Most bytes of peers' proposals and votes written to the WAL in one height
    /// (<see cref="DefaultMaxPeerWalBytesPerHeight"/>); own signatures, timeouts and markers are always written.</param>
    public ConsensusDriver(ConsensusEngine engine, IWriteAheadLog wal, DoubleSignGuard? guard, IConsensusHost host,
        ILogger<ConsensusDriver>? logger = null, long maxPeerWalBytesPerHeight = DefaultMaxPeerWalBytesPerHeight)
    {
        if (maxPeerWalBytesPerHeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPeerWalBytesPerHeight), maxPeerWalBytesPerHeight, "must not be negative");
        }

        MaxPeerWalBytesPerHeight = maxPeerWalBytesPerHeight;
        _engine = engine;
        _wal = wal;
        _guard = guard;
        _host = host;
        _logger = logger ?? NullLogger<ConsensusDriver>.Instance;
    }

    public ConsensusEngine Engine => _engine;

    /// <summary>The default of <see cref="MaxPeerWalBytesPerHeight"/>: 64 MiB, sixteen rounds of 4 MiB proposals
    /// with their votes.</summary>
    public const long DefaultMaxPeerWalBytesPerHeight = 64L * 1024 * 1024;

    /// <summary>Most bytes of peers' proposals and votes written to the WAL in one height. Past it, further peer
    /// messages of that height are still acted on but not logged: a restart resumes with fewer peer votes (gossip
    /// sends them again), never with less of what this validator signed.</summary>
    public long MaxPeerWalBytesPerHeight { get; }

    /// <summary>Most proposals and votes of the next height held while this one finishes; later ones are dropped
    /// (gossip sends them again).</summary>
    public const int MaxNextHeightMessages = 10_000;

    /// <summary>Bytes of next-height proposals and votes held: a few of the largest proposals, whatever peers send.</summary>
    public const long MaxNextHeightBytes = 64L * 1024 * 1024;

    /// <summary>Proposals and votes of the next height held until this node reaches it.</summary>
    public int BufferedNextHeight => _nextHeight.Count;

    /// <summary>Records replayed from the WAL by <see cref="Start"/>.</summary>
    public int ReplayedRecords { get; private set; }

    /// <summary>Replays the WAL records of the engine's height, then runs live.</summary>
    public void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("the consensus driver is already started");
        }

        _started = true;
        List<WalRecord> toReplay = RecordsToReplay();
        _replaying = true;
        try
        {
            Act(_engine.Start());
            Drain();
            foreach (WalRecord record in toReplay)
            {
                ConsensusInput? input = record.SumCase switch
                {
                    WalRecord.SumOneofCase.ProposalIn => new ProposalInput(record.ProposalIn.Proposal, record.ProposalIn.Block),
                    WalRecord.SumOneofCase.OwnProposal => new ProposalInput(record.OwnProposal.Proposal, record.OwnProposal.Block),
                    WalRecord.SumOneofCase.VoteIn => new VoteInput(record.VoteIn),
                    WalRecord.SumOneofCase.OwnVote => new VoteInput(record.OwnVote),
                    WalRecord.SumOneofCase.Timeout => new TimeoutInput(new TimeoutInfo(record.Timeout.Height, record.Timeout.Round, record.Timeout.Step)),
                    _ => null,
                };
                if (input is not null)
                {
                    ReplayedRecords++;
                    if (record.SumCase is WalRecord.SumOneofCase.ProposalIn or WalRecord.SumOneofCase.VoteIn)
                    {
                        _peerWalBytes += record.CalculateSize(); // the height's cap counts what earlier runs logged
                    }

                    _pending.Enqueue((input, false));
                    Drain();
                }
            }
        }
        finally
        {
            _replaying = false;
        }

        if (ReplayedRecords > 0)
        {
            _logger.LogInformation("Replayed {Records} WAL records; resuming at height {Height} round {Round} step {Step}",
                ReplayedRecords, _engine.Height, _engine.Round, _engine.Step);
        }
    }

    /// <summary>A peer's proposal; false when it does not verify for the validator it names (ban the peer).</summary>
    public bool OnProposal(Proposal proposal, Block block) => Receive(proposal.Height, new ProposalInput(proposal, block));

    /// <summary>A peer's vote; false when it does not verify for the validator it names (ban the peer).</summary>
    public bool OnVote(Vote vote) => Receive(vote.Height, new VoteInput(vote));

    /// <summary>
    /// A message from a peer: fed if it is for this height (and logged if the engine takes it), held if it is for the
    /// next one and signed by a next-height validator, else dropped. False when it was found forged.
    /// </summary>
    private bool Receive(ulong height, ConsensusInput input)
    {
        if (height == _engine.Height)
        {
            return Feed(input, fromPeer: true);
        }

        return height != _engine.Height + 1 || HoldForNextHeight(input);
    }

    /// <summary>The WAL record of a proposal or vote received from a peer.</summary>
    private static WalRecord Received(ConsensusInput input) => input switch
    {
        ProposalInput p => new WalRecord { ProposalIn = new ProposalMessage { Proposal = p.Proposal, Block = p.Block } },
        VoteInput v => new WalRecord { VoteIn = v.Vote },
        _ => throw new InvalidOperationException($"{input.GetType().Name} is not a message from a peer"),
    };

    /// <summary>
    /// A message of the next height (a faster peer already moved on) is held, once its signature verifies for a
    /// next-height validator, within <see cref="MaxNextHeightMessages"/> and <see cref="MaxNextHeightBytes"/>, and fed
    /// once this node gets there (older or further heights are dropped by the caller). Held messages reach the WAL
    /// only when fed and taken, so the WAL holds only inputs of the height they were acted on. False when forged.
    /// </summary>
    private bool HoldForNextHeight(ConsensusInput input)
    {
        if (!_engine.SignedByNextValidator(input))
        {
            return false;
        }

        long size = Received(input).CalculateSize();
        if (_nextHeight.Count < MaxNextHeightMessages && _nextHeightBytes + size <= MaxNextHeightBytes)
        {
            _nextHeight.Add(input);
            _nextHeightBytes += size;
        }

        return true;
    }

    /// <summary>After the engine moved to a new height: feed what was held for it.</summary>
    private void ReleaseNextHeight()
    {
        if (_nextHeight.Count == 0)
        {
            return;
        }

        ConsensusInput[] held = _nextHeight.ToArray();
        _nextHeight.Clear();
        _nextHeightBytes = 0;
        foreach (ConsensusInput input in held)
        {
            _pending.Enqueue((input, true));
        }
    }

    public void OnTimeout(TimeoutInfo timeout)
    {
        if (timeout.Height != _engine.Height || timeout.Round != _engine.Round)
        {
            return; // stale: the engine would ignore it, so the WAL need not hold it
        }

        _wal.Append(new WalRecord { Timeout = new TimeoutRecord { Height = timeout.Height, Round = timeout.Round, Step = timeout.Step } });
        Feed(new TimeoutInput(timeout), fromPeer: false);
    }

    /// <summary>Feeds one input and everything it leads to; false when the input itself was found forged.</summary>
    private bool Feed(ConsensusInput input, bool fromPeer)
    {
        if (!_started)
        {
            throw new InvalidOperationException("call Start before feeding the consensus driver");
        }

        _pending.Enqueue((input, fromPeer));
        _firstForged = null;
        Drain();
        return _firstForged != true;
    }

    private void Drain()
    {
        while (_pending.TryDequeue(out (ConsensusInput Input, bool FromPeer) item))
        {
            ConsensusInput input = item.Input;
            bool heldBefore = item.FromPeer && Holds(input);
            IReadOnlyList<ConsensusOutput> outputs = _engine.Handle(input);
            _firstForged ??= _engine.LastInputForged;
            if (item.FromPeer && !heldBefore && Holds(input))
            {
                LogPeerMessage(input);
            }

            Act(outputs);
            if (input is BlockAppliedInput)
            {
                _peerWalBytes = 0;
                _peerWalCapWarned = false;
                if (!_replaying)
                {
                    ReleaseNextHeight();
                }
            }
        }
    }

    /// <summary>Whether the engine holds this very proposal or vote (same signature): it verified and took it.</summary>
    private bool Holds(ConsensusInput input)
    {
        switch (input)
        {
            case VoteInput { Vote: var vote }:
                if (vote.Height != _engine.Height || vote.ValidatorIndex >= (uint)_engine.Validators.Count ||
                    !_engine.HasVote(vote.Round, vote.Type, (int)vote.ValidatorIndex))
                {
                    return false;
                }

                foreach (Vote held in _engine.GetVotes(vote.Round, vote.Type))
                {
                    if (held.ValidatorIndex == vote.ValidatorIndex && held.Signature.Equals(vote.Signature))
                    {
                        return true;
                    }
                }

                return false;
            case ProposalInput { Proposal: var proposal }:
                if (proposal.Height != _engine.Height)
                {
                    return false;
                }

                foreach ((Proposal held, Block _) in _engine.Proposals())
                {
                    if (held.Round == proposal.Round && held.Signature.Equals(proposal.Signature))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Appends a peer's message the engine took, unless the height's peer bytes are spent: it has then been
    /// acted on unlogged, which costs a restart only peers' votes that gossip brings back, never an own signature.</summary>
    private void LogPeerMessage(ConsensusInput input)
    {
        WalRecord record = Received(input);
        long size = record.CalculateSize();
        if (size > WalFraming.MaxPayloadSize || _peerWalBytes + size > MaxPeerWalBytesPerHeight)
        {
            if (!_peerWalCapWarned)
            {
                _peerWalCapWarned = true;
                _logger.LogWarning(
                    "A peer's consensus message of {Bytes} bytes at height {Height} does not fit the WAL's {Cap} bytes per height ({Used} used); it is acted on but not logged",
                    size, _engine.Height, MaxPeerWalBytesPerHeight, _peerWalBytes);
            }

            return;
        }

        _peerWalBytes += size;
        _wal.Append(record);
    }

    private void Act(IReadOnlyList<ConsensusOutput> outputs)
    {
        foreach (ConsensusOutput output in outputs)
        {
            switch (output)
            {
                case SignAndBroadcastVote sv:
                    SignVote(sv.Vote);
                    break;
                case SignAndBroadcastProposal sp:
                    SignProposal(sp.Proposal, sp.Block);
                    break;
                case ScheduleTimeout st:
                    _host.ScheduleTimeout(st.Timeout, st.Delay);
                    break;
                case CommitBlock cb:
                    Commit(cb);
                    break;
                case EvidenceFound ef:
                    _host.EvidenceFound(ef.Evidence);
                    break;
            }
        }
    }

    private void SignVote(Vote vote)
    {
        if (_guard is null)
        {
            return;
        }

        vote.TimestampUnixNanos = _host.NowUnixNanos;
        GuardResult result = _guard.SignVote(vote);
        if (!Signed(result, vote.Height, vote.Round, vote.Type.ToString()))
        {
            return;
        }

        if (result.Decision == GuardDecision.Signed || !_replaying)
        {
            _wal.AppendSync(new WalRecord { OwnVote = vote });
        }

        _host.BroadcastVote(vote);
        _pending.Enqueue((new VoteInput(vote), false));
    }

    private void SignProposal(Proposal proposal, Block block)
    {
        if (_guard is null)
        {
            return;
        }

        proposal.TimestampUnixNanos = _host.NowUnixNanos;
        GuardResult result = _guard.SignProposal(proposal);
        if (!Signed(result, proposal.Height, proposal.Round, "Proposal"))
        {
            return;
        }

        if (result.Decision == GuardDecision.Signed || !_replaying)
        {
            _wal.AppendSync(new WalRecord { OwnProposal = new ProposalMessage { Proposal = proposal, Block = block } });
        }

        _host.BroadcastProposal(proposal, block);
        _pending.Enqueue((new ProposalInput(proposal, block), false));
    }

    private bool Signed(GuardResult result, ulong height, uint round, string what)
    {
        if (result.IsSigned)
        {
            return true;
        }

        // During replay a refusal is expected: the WAL already holds what was signed, and it replays next.
        if (!_replaying)
        {
            _logger.LogWarning("Double-sign guard refused to sign {What} at height {Height} round {Round}: {Reason}",
                what, height, round, result.Reason);
        }

        return false;
    }

    private void Commit(CommitBlock decided)
    {
        ulong height = decided.Commit.Height;
        IReadOnlyList<ValidatorUpdate> updates = _host.CommitBlock(decided.Block, decided.Commit, _engine.Current);
        _wal.AppendSync(new WalRecord { EndHeight = new EndHeightRecord { Height = height } });
        _pending.Enqueue((new BlockAppliedInput(height, updates), false));
    }

    /// <summary>The records after the end-of-height marker of the last committed height.</summary>
    private List<WalRecord> RecordsToReplay()
    {
        IReadOnlyList<WalRecord> all = _wal.ReadAll();
        ulong lastCommitted = _engine.Height - 1;
        int marker = -1;
        for (int i = all.Count - 1; i >= 0; i--)
        {
            if (all[i].SumCase == WalRecord.SumOneofCase.EndHeight)
            {
                marker = i;
                break;
            }
        }

        if (marker < 0)
        {
            if (all.Count > 0 && lastCommitted == 0)
            {
                return all.ToList(); // first height, nothing committed yet
            }

            // Fresh log (or one cut back to nothing): start it with the marker of the last committed height.
            _wal.AppendSync(new WalRecord { EndHeight = new EndHeightRecord { Height = lastCommitted } });
            return [];
        }

        ulong markerHeight = all[marker].EndHeight.Height;
        if (markerHeight > lastCommitted)
        {
            throw new InvalidOperationException(
                $"the WAL has ended height {markerHeight} but the block store's last height is {lastCommitted}: the store lost committed blocks");
        }

        if (markerHeight < lastCommitted)
        {
            // The process died after the block was stored but before the marker was synced:
            // the records after the marker belong to the committed height and must not be replayed.
            _wal.AppendSync(new WalRecord { EndHeight = new EndHeightRecord { Height = lastCommitted } });
            return [];
        }

        return all.Skip(marker + 1).ToList();
    }
}
