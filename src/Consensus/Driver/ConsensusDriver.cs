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
/// every input is appended to the WAL before the engine sees it; every own signature goes through the
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
    private readonly Queue<ConsensusInput> _pending = new();
    private readonly List<ConsensusInput> _nextHeight = new();
    private bool _replaying;
    private bool _started;

    /// <param name="guard">This validator's guarded signer; null for a node that follows without voting.</param>
    public ConsensusDriver(ConsensusEngine engine, IWriteAheadLog wal, DoubleSignGuard? guard, IConsensusHost host, ILogger<ConsensusDriver>? logger = null)
    {
        _engine = engine;
        _wal = wal;
        _guard = guard;
        _host = host;
        _logger = logger ?? NullLogger<ConsensusDriver>.Instance;
    }

    public ConsensusEngine Engine => _engine;

    /// <summary>Most proposals and votes of the next height held while this one finishes; later ones are dropped
    /// (gossip sends them again).</summary>
    public const int MaxNextHeightMessages = 10_000;

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
                    _pending.Enqueue(input);
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

    public void OnProposal(Proposal proposal, Block block)
    {
        Receive(proposal.Height, new ProposalInput(proposal, block));
    }

    public void OnVote(Vote vote)
    {
        Receive(vote.Height, new VoteInput(vote));
    }

    /// <summary>A message from a peer: held if it is for the next height, else written to the WAL and fed.</summary>
    private void Receive(ulong height, ConsensusInput input)
    {
        if (HoldForNextHeight(height, input))
        {
            return;
        }

        _wal.Append(Received(input));
        Feed(input);
    }

    /// <summary>The WAL record of a proposal or vote received from a peer.</summary>
    private static WalRecord Received(ConsensusInput input) => input switch
    {
        ProposalInput p => new WalRecord { ProposalIn = new ProposalMessage { Proposal = p.Proposal, Block = p.Block } },
        VoteInput v => new WalRecord { VoteIn = v.Vote },
        _ => throw new InvalidOperationException($"{input.GetType().Name} is not a message from a peer"),
    };

    /// <summary>
    /// A message of another height is not for the engine now: one of the next height (a faster peer already moved
    /// on) is held, bounded, and fed once this node gets there; older or further ones are dropped. Held messages
    /// reach the WAL only when fed, so the WAL holds only inputs of the height they were acted on.
    /// </summary>
    private bool HoldForNextHeight(ulong height, ConsensusInput input)
    {
        if (height == _engine.Height)
        {
            return false;
        }

        if (height == _engine.Height + 1 && _nextHeight.Count < MaxNextHeightMessages)
        {
            _nextHeight.Add(input);
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
        foreach (ConsensusInput input in held)
        {
            _wal.Append(Received(input));
            _pending.Enqueue(input);
        }
    }

    public void OnTimeout(TimeoutInfo timeout)
    {
        if (timeout.Height != _engine.Height || timeout.Round != _engine.Round)
        {
            return; // stale: the engine would ignore it, so the WAL need not hold it
        }

        _wal.Append(new WalRecord { Timeout = new TimeoutRecord { Height = timeout.Height, Round = timeout.Round, Step = timeout.Step } });
        Feed(new TimeoutInput(timeout));
    }

    private void Feed(ConsensusInput input)
    {
        if (!_started)
        {
            throw new InvalidOperationException("call Start before feeding the consensus driver");
        }

        _pending.Enqueue(input);
        Drain();
    }

    private void Drain()
    {
        while (_pending.TryDequeue(out ConsensusInput? input))
        {
            Act(_engine.Handle(input));
            if (input is BlockAppliedInput && !_replaying)
            {
                ReleaseNextHeight();
            }
        }
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
        _pending.Enqueue(new VoteInput(vote));
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
        _pending.Enqueue(new ProposalInput(proposal, block));
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
        _pending.Enqueue(new BlockAppliedInput(height, updates));
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
