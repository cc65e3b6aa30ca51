using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Options;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Tests.Simulation;

/// <summary>
/// Runs N consensus drivers on a simulated network under one seeded random scheduler (a virtual clock and
/// a priority queue of events): delays, reordering, duplicates, drops, a partition, crashes with restart
/// from the WAL, and byzantine validators. Everything random comes from the seed, so a run replays exactly.
/// Checks agreement, validity, that no honest validator double-signs, that every equivocation an honest
/// node saw became evidence, and liveness after the heal.
/// </summary>
internal sealed class Simulation
{
    private readonly PriorityQueue<Action, (long Time, long Seq)> _queue = new();
    private readonly SimulationConfig _config;
    private readonly int _seed;
    private readonly SimNode[] _nodes;
    private readonly ConsensusValidatorSet _genesis;
    private readonly ISignatureVerifier _verifier = new FakeSignatureVerifier();
    private readonly List<string> _violations = new();
    private readonly Dictionary<ulong, string> _committed = new();
    private readonly HashSet<string> _proposed = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, ulong, uint, SignedMsgType), string> _honestSigned = new();
    private readonly HashSet<(int Node, int Validator, ulong Height, uint Round, SignedMsgType Type)> _expectedEvidence = new();
    private readonly HashSet<(int Node, int Validator, ulong Height, uint Round, SignedMsgType Type)> _reportedEvidence = new();
    private long _seq;
    private long _events;

    public Simulation(int seed, SimulationConfig config)
    {
        _seed = seed;
        _config = config;
        Random = new Random(seed);
        Blocks = new SimBlocks("sim-chain");
        _nodes = new SimNode[config.Validators];
        var updates = new List<ValidatorUpdate>();
        for (int i = 0; i < config.Validators; i++)
        {
            var key = new FakeKey(i + 1);
            _nodes[i] = new SimNode(this, i, key, config.BehaviourOf(i), config.IsHonest(i));
            updates.Add(new ValidatorUpdate(key.Address, key.PublicKey, config.PowerOf(i)));
        }

        _genesis = ConsensusValidatorSet.Create(updates);
        foreach (SimNode node in _nodes)
        {
            node.Start = HeightStart.FromGenesis(_genesis);
        }
    }

    public SimNode Node(int i) => _nodes[i];

    public Random Random { get; }

    public SimBlocks Blocks { get; }

    public string ChainId => Blocks.ChainId;

    public long NowMs { get; private set; }

    public bool Replaying { get; private set; }

    public SimulationResult Run()
    {
        foreach (SimNode node in _nodes)
        {
            if (node.Behaviour != Behaviour.Silent)
            {
                At(0, () => StartNode(node));
            }
        }

        foreach ((int node, int down, int up) in _config.Crashes)
        {
            At(down, () => Crash(_nodes[node]));
            At(up, () => { if (!_nodes[node].Up) { StartNode(_nodes[node]); } });
        }

        int[] honest = Enumerable.Range(0, _nodes.Length).Where(i => _nodes[i].CountedHonest).ToArray();
        ulong target = 0;
        long deadline = long.MaxValue;
        bool healed = false;
        const long eventBudget = 3_000_000;
        while (_queue.TryDequeue(out Action? action, out (long Time, long Seq) when))
        {
            if (!healed && when.Time >= _config.HealAtMs)
            {
                healed = true;
                NowMs = _config.HealAtMs;
                target = honest.Max(i => _nodes[i].CommittedHeight) + (ulong)_config.LivenessHeights;
                target = Math.Max(target, _config.MinHeights);
                deadline = _config.HealAtMs + _config.LivenessBoundMs;
            }

            if (healed && when.Time > deadline)
            {
                _violations.Add($"liveness: {_config.LivenessBoundMs} ms after the heal the honest heights are " +
                    $"[{string.Join(",", honest.Select(i => _nodes[i].CommittedHeight))}], target {target}; states " + Describe());
                break;
            }

            NowMs = when.Time;
            try
            {
                action();
            }
            catch (Exception e)
            {
                _violations.Add($"exception at {NowMs} ms: {e}");
                break;
            }

            if (++_events > eventBudget)
            {
                _violations.Add("event budget exhausted");
                break;
            }

            if (_violations.Count > 0 && !_violations[^1].StartsWith("liveness", StringComparison.Ordinal))
            {
                break;
            }

            if (healed && honest.All(i => _nodes[i].CommittedHeight >= target))
            {
                break;
            }
        }

        foreach (var expected in _expectedEvidence)
        {
            if (!_reportedEvidence.Contains(expected))
            {
                _violations.Add($"evidence: node {expected.Node} saw validator {expected.Validator} equivocate at " +
                    $"{expected.Height}/{expected.Round}/{expected.Type} but reported no evidence");
                break;
            }
        }

        ulong minHeight = honest.Length == 0 ? 0 : honest.Min(i => _nodes[i].CommittedHeight);
        return new SimulationResult(_seed, _config, _violations, minHeight, NowMs, _events);
    }

    private string Describe() => string.Join(" ", _nodes.Select(n => n.Up
        ? $"[{n.Index}:h{n.Engine.Height}/r{n.Engine.Round}/{n.Engine.Step} lock{n.Engine.LockedRound} valid{n.Engine.ValidRound} " +
          $"pv{n.Engine.GetVotes(n.Engine.Round, SignedMsgType.Prevote).Count} pc{n.Engine.GetVotes(n.Engine.Round, SignedMsgType.Precommit).Count} prop{(n.Engine.GetProposal(n.Engine.Round) is null ? 0 : 1)}]"
        : $"[{n.Index}:down]"));

    // ---- network ----

    public (List<int> Half, List<int> OtherHalf) SplitPeers(int from)
    {
        var half = new List<int>();
        var other = new List<int>();
        for (int i = 0; i < _nodes.Length; i++)
        {
            if (i != from)
            {
                (Random.Next(2) == 0 ? half : other).Add(i);
            }
        }

        return (half, other);
    }

    public void Broadcast(int from, SimMessage message)
    {
        for (int to = 0; to < _nodes.Length; to++)
        {
            if (to != from)
            {
                Send(from, to, message);
            }
        }
    }

    public void SendTo(int from, List<int> targets, SimMessage message)
    {
        foreach (int to in targets)
        {
            Send(from, to, message);
        }
    }

    private void Send(int from, int to, SimMessage message)
    {
        if (Replaying)
        {
            return;
        }

        bool beforeHeal = NowMs < _config.HealAtMs;
        if (beforeHeal)
        {
            if (_config.Partition is { } p && NowMs >= p.FromMs && NowMs < p.ToMs && p.SideA[from] != p.SideA[to])
            {
                return;
            }

            if (Random.NextDouble() < _config.DropRate)
            {
                return;
            }
        }

        int copies = Random.NextDouble() < _config.DuplicateRate ? 2 : 1;
        for (int c = 0; c < copies; c++)
        {
            After(Random.Next(_config.MinDelayMs, _config.MaxDelayMs + 1), () => Deliver(_nodes[to], message));
        }
    }

    private void Deliver(SimNode node, SimMessage message)
    {
        if (!node.Up)
        {
            return;
        }

        switch (message)
        {
            case ProposalMessageSim p:
                node.Driver!.OnProposal(p.Proposal, p.Block);
                break;
            case VoteMessageSim v:
                NoteVoteSeen(node, v.Vote);
                node.Driver!.OnVote(v.Vote);
                break;
            case StatusMessageSim s:
                AnswerStatus(node, s);
                break;
        }

        AfterStep(node);
    }

    // ---- gossip: fill in what a peer lacks (CometBFT's gossip routines, simplified) ----

    private void Gossip(SimNode node, int incarnation)
    {
        if (node.Incarnation != incarnation || !node.Up)
        {
            return;
        }

        ConsensusEngine e = node.Engine;
        int n = e.Validators.Count;
        bool[] prevotes = new bool[n], precommits = new bool[n];
        for (int i = 0; i < n; i++)
        {
            prevotes[i] = e.HasVote(e.Round, SignedMsgType.Prevote, i);
            precommits[i] = e.HasVote(e.Round, SignedMsgType.Precommit, i);
        }

        var proposal = e.GetProposal(e.Round);
        int polRound = proposal?.Proposal.PolRound ?? -1;
        bool[]? polPrevotes = null;
        if (polRound >= 0)
        {
            polPrevotes = new bool[n];
            for (int i = 0; i < n; i++)
            {
                polPrevotes[i] = e.HasVote((uint)polRound, SignedMsgType.Prevote, i);
            }
        }

        Broadcast(node.Index, new StatusMessageSim(node.Index, e.Height, e.Round, proposal is not null, prevotes, precommits, polRound, polPrevotes));
        After(_config.GossipIntervalMs, () => Gossip(node, incarnation));
    }

    private void AnswerStatus(SimNode node, StatusMessageSim status)
    {
        ConsensusEngine e = node.Engine;
        if (status.Height < e.Height)
        {
            if (node.Decided.TryGetValue(status.Height, out var decided))
            {
                Send(node.Index, status.From, new ProposalMessageSim(decided.Proposal, decided.Block));
                foreach (Vote v in decided.Precommits)
                {
                    Send(node.Index, status.From, new VoteMessageSim(v));
                }
            }

            return;
        }

        if (status.Height > e.Height)
        {
            return;
        }

        if (!status.HasProposal && e.GetProposal(status.Round) is { } proposal)
        {
            Send(node.Index, status.From, new ProposalMessageSim(proposal.Proposal, proposal.Block));
            if (proposal.Proposal.PolRound >= 0)
            {
                foreach (Vote v in e.GetVotes((uint)proposal.Proposal.PolRound, SignedMsgType.Prevote))
                {
                    Send(node.Index, status.From, new VoteMessageSim(v));
                }
            }
        }

        if (status.PolRound >= 0 && status.PolPrevotes is not null)
        {
            SendMissing(node, status.From, e.GetVotes((uint)status.PolRound, SignedMsgType.Prevote), status.PolPrevotes);

            // A peer that holds an equivocator's other prevote still needs the one for the re-proposed block
            // (CometBFT learns this from VoteSetMaj23 claims): send every prevote for it.
            if (e.GetProposal(status.Round) is { } reproposal)
            {
                string key = BlockIdentity.Key(reproposal.Proposal.BlockId);
                foreach (Vote v in e.GetVotes((uint)status.PolRound, SignedMsgType.Prevote))
                {
                    if (v.ValidatorIndex < status.PolPrevotes.Length && status.PolPrevotes[v.ValidatorIndex] && BlockIdentity.Key(v.BlockId) == key)
                    {
                        Send(node.Index, status.From, new VoteMessageSim(v));
                    }
                }
            }
        }

        SendMissing(node, status.From, e.GetVotes(status.Round, SignedMsgType.Prevote), status.Prevotes);
        SendMissing(node, status.From, e.GetVotes(status.Round, SignedMsgType.Precommit), status.Precommits);
        if (e.Round > status.Round)
        {
            foreach (Vote v in e.GetVotes(e.Round, SignedMsgType.Prevote).Concat(e.GetVotes(e.Round, SignedMsgType.Precommit)))
            {
                Send(node.Index, status.From, new VoteMessageSim(v));
            }
        }
    }

    private void SendMissing(SimNode node, int to, IReadOnlyList<Vote> votes, bool[] has)
    {
        foreach (Vote v in votes)
        {
            if (v.ValidatorIndex >= has.Length || !has[v.ValidatorIndex])
            {
                Send(node.Index, to, new VoteMessageSim(v));
            }
        }
    }

    // ---- node life ----

    private void StartNode(SimNode node)
    {
        node.Incarnation++;
        node.SeenVotes.Clear();
        EngineFaults faults = node.Behaviour == Behaviour.Equivocator
            ? new EngineFaults { IgnoreValidValue = true }
            : _config.HonestFaults;
        var engine = new ConsensusEngine(ConsensusOptions.Testnet, ChainId, node.Start, node.Key.Address,
            new SimBlockSource(Blocks, node.Index, Random, node.Behaviour == Behaviour.Equivocator ? _config.InvalidBlockRate : 0),
            Blocks, _verifier, faults);
        var guard = new DoubleSignGuard(node.Key, node.SignerState, ChainId);
        node.Driver = new ConsensusDriver(engine, node.Wal, guard, node);
        Replaying = true;
        try
        {
            node.Driver.Start();
        }
        finally
        {
            Replaying = false;
        }

        AfterStep(node);
        int incarnation = node.Incarnation;
        After(Random.Next(1, _config.GossipIntervalMs), () => Gossip(node, incarnation));
    }

    private void Crash(SimNode node)
    {
        if (!node.Up)
        {
            return;
        }

        node.Driver = null;
        node.Incarnation++;
        node.Wal.Crash(Random.Next(0, (int)(node.Wal.Length - node.Wal.SyncedLength) + 1));
    }

    public void ScheduleTimeout(SimNode node, TimeoutInfo timeout, TimeSpan delay)
    {
        int incarnation = node.Incarnation;
        After((long)delay.TotalMilliseconds, () =>
        {
            if (node.Up && node.Incarnation == incarnation)
            {
                node.Driver!.OnTimeout(timeout);
                AfterStep(node);
            }
        });
    }

    private void AfterStep(SimNode node)
    {
        if (node.Up && node.Engine.Height > node.Start.Height)
        {
            ConsensusEngine e = node.Engine;
            node.Start = new HeightStart(e.Height, e.Validators, e.NextValidators, e.LastCommit);
        }
    }

    // ---- application ----

    public IReadOnlyList<ValidatorUpdate> UpdatesAt(ulong height)
    {
        if (_config.PowerChange is { } change && change.Height == height)
        {
            FakeKey key = _nodes[change.Node].Key;
            return [new ValidatorUpdate(key.Address, key.PublicKey, change.NewPower)];
        }

        return [];
    }

    // ---- checks ----

    public void RecordProposal(SimNode node, Proposal proposal, Block block) => _proposed.Add(BlockIdentity.Key(proposal.BlockId));

    public void RecordSignedVote(SimNode node, Vote vote)
    {
        if (!node.CountedHonest)
        {
            return;
        }

        var key = (node.Index, vote.Height, vote.Round, vote.Type);
        string block = BlockIdentity.Key(vote.BlockId);
        if (_honestSigned.TryGetValue(key, out string? earlier))
        {
            if (earlier != block)
            {
                _violations.Add($"double sign: honest node {node.Index} signed {vote.Type} at {vote.Height}/{vote.Round} for {Short(earlier)} and {Short(block)}");
            }
        }
        else
        {
            _honestSigned[key] = block;
        }
    }

    public void RecordCommit(SimNode node, Block block, Commit commit)
    {
        if (!node.CountedHonest)
        {
            return;
        }

        string id = BlockIdentity.Key(commit.BlockId);
        if (_committed.TryGetValue(commit.Height, out string? other) && other != id)
        {
            _violations.Add($"agreement: node {node.Index} committed {Short(id)} at height {commit.Height}, another honest node {Short(other)}");
        }

        _committed.TryAdd(commit.Height, id);
        if (!_proposed.Contains(id))
        {
            _violations.Add($"validity: node {node.Index} committed {Short(id)} at height {commit.Height}, which no one proposed");
        }

        if (!Blocks.IsValid(block))
        {
            _violations.Add($"validity: node {node.Index} committed invalid block {Short(id)} at height {commit.Height}");
        }
    }

    public void RecordEvidence(SimNode node, DuplicateVoteEvidence evidence)
    {
        Vote v = evidence.VoteA;
        _reportedEvidence.Add((node.Index, (int)v.ValidatorIndex, v.Height, v.Round, v.Type));
    }

    private void NoteVoteSeen(SimNode node, Vote vote)
    {
        if (!node.CountedHonest || vote.Height != node.Engine.Height || vote.ValidatorIndex >= node.Engine.Validators.Count)
        {
            return;
        }

        var key = ((int)vote.ValidatorIndex, vote.Height, vote.Round, vote.Type);
        string block = BlockIdentity.Key(vote.BlockId);
        if (node.SeenVotes.TryGetValue(key, out string? first))
        {
            if (first != block)
            {
                _expectedEvidence.Add((node.Index, key.Item1, vote.Height, vote.Round, vote.Type));
            }
        }
        else
        {
            node.SeenVotes[key] = block;
        }
    }

    private static string Short(string key) => key.Length == 0 ? "nil" : key[..8];

    // ---- scheduler ----

    private void At(long timeMs, Action action) => _queue.Enqueue(action, (timeMs, _seq++));

    private void After(long delayMs, Action action) => At(NowMs + delayMs, action);
}
