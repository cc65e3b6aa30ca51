using System.Collections.Concurrent;
using Chain.Consensus.Blocks;
using Chain.Consensus.Engine;
using Chain.Consensus.Evidence;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Node.Production;
using Chain.Proto.Consensus;
using Chain.Proto.P2p;
using Chain.Proto.Types;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Reactors;

/// <summary>
/// Consensus over the consensus and evidence channels. Own proposals, votes and evidence go to every peer at once.
/// Every <see cref="GossipInterval"/>, on the consensus loop, each peer gets what it lacks for the height it
/// announced: the proposals and votes of that height (or, for a peer one height behind, the precommits that
/// committed it), each at most once per peer (<see cref="PeerRoundState"/>); and this node announces its own
/// height, round and step when they change. Proposals and votes from peers go to the engine through the
/// <see cref="ConsensusInbox"/>, within each peer's share of it (<see cref="PeerQueueBudget"/>); malformed ones, and
/// ones whose signature does not verify for the validator they name, get the peer banned.
/// </summary>
public sealed class ConsensusReactor(ConsensusInbox inbox, IPeerSet peers, ILogger<ConsensusReactor> logger)
    : BackgroundService, IReactor, IConsensusGossip
{
    private readonly PeerQueueBudget _budget = PeerQueueBudget.ConsensusInbox();

    /// <summary>What peers' messages occupy in the consensus inbox now.</summary>
    public PeerQueueBudget Budget => _budget;

    /// <summary>How often peers are brought up to date.</summary>
    public static readonly TimeSpan GossipInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often this node repeats its step when it has not changed (a peer that joined late hears it).</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(1);

    /// <summary>Proposals of one height remembered to drop copies that arrive from other peers.</summary>
    private const int MaxSeenProposals = 1024;

    private readonly ConcurrentDictionary<NodeId, PeerRoundState> _states = new();
    private readonly HashSet<ByteString> _seenProposals = new();
    private ulong _seenHeight;
    private (ulong Height, uint Round, RoundStep Step) _announced;
    private long _announcedAt;

    public IReadOnlyCollection<ChannelId> Channels { get; } = [ChannelId.Consensus, ChannelId.Evidence];

    public void OnPeerAdded(IPeer peer)
    {
        _states[peer.Id] = new PeerRoundState();
        _announcedAt = 0; // announce at the next tick so the new peer learns our step
    }

    public void OnPeerRemoved(IPeer peer) => _states.TryRemove(peer.Id, out _);

    public void OnMessage(IPeer peer, ChannelId channel, Envelope message)
    {
        PeerRoundState state = State(peer);
        switch (message.SumCase)
        {
            case Envelope.SumOneofCase.Proposal:
                ProposalMessage p = message.Proposal;
                if (p.Proposal is null || p.Block?.Header is null || p.Proposal.Signature.Length != 64 ||
                    p.Proposal.BlockId is null || !p.Proposal.BlockId.Hash.Equals(BlockIdentity.Of(p.Block).Hash))
                {
                    peer.Disconnect("sent a malformed proposal, or one whose block is not the block it names", ban: true);
                    return;
                }

                if (HeaderRules.BodyMismatch(p.Block) is { } mismatch)
                {
                    // A genuine header with another body: refused before it is seen, so the genuine copy still counts.
                    peer.Disconnect($"sent a proposal whose block body is not the one its header names: {mismatch}", ban: true);
                    return;
                }

                state.MarkProposal(p.Proposal.Height, p.Proposal.Round);
                if (FirstSight(p.Proposal))
                {
                    // Tell the other peers at once, so none of them sends this block here again.
                    AnnounceProposal(p.Proposal, except: peer);
                    PostFromPeer(peer, message, loop => loop.Driver.OnProposal(p.Proposal, p.Block), "proposal");
                }

                break;
            case Envelope.SumOneofCase.HasProposal:
                state.MarkProposal(message.HasProposal.Height, message.HasProposal.Round);
                break;
            case Envelope.SumOneofCase.Vote:
                Vote vote = message.Vote;
                if (vote.Signature.Length != 64 || vote.ValidatorAddress.Length != Crypto.Address.Size)
                {
                    peer.Disconnect("sent a malformed vote", ban: true);
                    return;
                }

                state.MarkVote(vote);
                PostFromPeer(peer, message, loop => loop.Driver.OnVote(vote), "vote");
                break;
            case Envelope.SumOneofCase.HasVote:
                HasVote has = message.HasVote;
                state.MarkVote(has.Height, has.Round, has.Type, has.ValidatorIndex);
                break;
            case Envelope.SumOneofCase.NewRoundStep:
                NewRoundStep step = message.NewRoundStep;
                if (step.Step is < 1 or > 5)
                {
                    peer.Disconnect($"announced step {step.Step}, which does not exist", ban: true);
                    return;
                }

                state.Update(step.Height, step.Round, step.Step);
                break;
            case Envelope.SumOneofCase.Evidence:
                OnEvidence(peer, message.Evidence);
                break;
        }
    }

    /// <summary>
    /// Queues a peer's proposal or vote for the consensus loop within the peer's share of the inbox (dropped beyond
    /// it: gossip is best effort, and a round's timeouts cover what is lost); bans the peer when the driver finds it
    /// does not verify for the validator it names, since honest peers relay only what their engines verified.
    /// </summary>
    private void PostFromPeer(IPeer peer, Envelope message, Func<IConsensusLoop, bool> feed, string what)
    {
        long size = message.CalculateSize();
        if (!_budget.TryReserve(peer.Id, size))
        {
            logger.LogDebug("Dropped a {What} from {Peer}: its share of the consensus inbox is full", what, peer.Id);
            return;
        }

        bool queued = inbox.Post(loop =>
        {
            _budget.Release(peer.Id, size);
            if (!feed(loop))
            {
                logger.LogWarning("Peer {Peer} sent a {What} whose signature does not verify for the validator it names; banning it", peer.Id, what);
                peer.Disconnect($"sent a {what} whose signature does not verify for the validator it names", ban: true);
            }
        });
        if (!queued)
        {
            _budget.Release(peer.Id, size);
        }
    }

    public void BroadcastProposal(Proposal proposal, Block block)
    {
        var message = new SharedMessage(new Envelope { Proposal = new ProposalMessage { Proposal = proposal, Block = block } });
        foreach (IPeer peer in peers.Peers)
        {
            if (State(peer).MarkProposal(proposal.Height, proposal.Round))
            {
                peer.TrySend(ChannelId.Consensus, message);
            }
        }
    }

    public void BroadcastVote(Vote vote)
    {
        var message = new SharedMessage(new Envelope { Vote = vote });
        foreach (IPeer peer in peers.Peers)
        {
            if (State(peer).MarkVote(vote))
            {
                peer.TrySend(ChannelId.Consensus, message);
            }
        }
    }

    /// <summary>PeerRoundState knows votes by (height, round, type, validator), so to <see cref="BroadcastVote"/>
    /// every peer would seem to hold this one already: it goes to all of them regardless.</summary>
    public void BroadcastEquivocation(Vote vote) => peers.Broadcast(ChannelId.Consensus, new Envelope { Vote = vote });

    public void BroadcastEvidence(DuplicateVoteEvidence evidence) =>
        peers.Broadcast(ChannelId.Evidence, new Envelope { Evidence = new EvidenceList { Evidence = { new Evidence { DuplicateVoteEvidence = evidence } } } });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(GossipInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                inbox.Post(loop => Gossip(loop.Driver.Engine));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs on the consensus loop: announce our step, then send each peer what it lacks.</summary>
    private void Gossip(ConsensusEngine engine)
    {
        IReadOnlyList<IPeer> connected = peers.Peers;
        if (connected.Count == 0)
        {
            return;
        }

        long now = Environment.TickCount64;
        var current = (engine.Height, engine.Round, engine.Step);
        if (current != _announced || now - _announcedAt >= (long)AnnounceInterval.TotalMilliseconds)
        {
            _announced = current;
            _announcedAt = now;
            peers.Broadcast(ChannelId.Consensus, new Envelope
            {
                NewRoundStep = new NewRoundStep
                {
                    Height = engine.Height,
                    Round = engine.Round,
                    Step = (uint)engine.Step + 1,
                    LastCommitRound = engine.LastCommit is null ? -1 : (int)engine.LastCommit.Round,
                },
            });
        }

        foreach (IPeer peer in connected)
        {
            PeerRoundState state = State(peer);
            if (state.Height == engine.Height)
            {
                SendCurrentHeight(peer, state, engine);
            }
            else if (state.Height + 1 == engine.Height && engine.LastCommit is { } lastCommit)
            {
                SendPrecommits(peer, state, lastCommit);
            }
        }
    }

    private static void SendCurrentHeight(IPeer peer, PeerRoundState state, ConsensusEngine engine)
    {
        foreach ((Proposal proposal, Block block) in engine.Proposals())
        {
            if (state.MarkProposal(proposal.Height, proposal.Round))
            {
                peer.TrySend(ChannelId.Consensus, new Envelope { Proposal = new ProposalMessage { Proposal = proposal, Block = block } });
            }
        }

        // Only the rounds the engine holds anything for: never a loop up to the round a peer announced.
        foreach (uint round in engine.RoundsHeld.ToArray())
        {
            foreach (SignedMsgType type in (ReadOnlySpan<SignedMsgType>)[SignedMsgType.Prevote, SignedMsgType.Precommit])
            {
                foreach (Vote vote in engine.GetVotes(round, type))
                {
                    if (state.MarkVote(vote))
                    {
                        peer.TrySend(ChannelId.Consensus, new Envelope { Vote = vote });
                    }
                }
            }
        }
    }

    /// <summary>A peer one height behind gets the precommits that decided that height, so its engine can commit.</summary>
    private static void SendPrecommits(IPeer peer, PeerRoundState state, Commit commit)
    {
        for (int i = 0; i < commit.Signatures.Count; i++)
        {
            CommitSig sig = commit.Signatures[i];
            if (sig.BlockIdFlag == BlockIdFlag.Absent || !state.MarkVote(commit.Height, commit.Round, SignedMsgType.Precommit, (uint)i))
            {
                continue;
            }

            peer.TrySend(ChannelId.Consensus, new Envelope
            {
                Vote = new Vote
                {
                    Type = SignedMsgType.Precommit,
                    Height = commit.Height,
                    Round = commit.Round,
                    BlockId = sig.BlockIdFlag == BlockIdFlag.Commit ? commit.BlockId : new BlockId(),
                    TimestampUnixNanos = sig.TimestampUnixNanos,
                    ValidatorAddress = sig.ValidatorAddress,
                    ValidatorIndex = (uint)i,
                    Signature = sig.Signature,
                },
            });
        }
    }

    private void OnEvidence(IPeer peer, EvidenceList list)
    {
        if (list.Evidence.Count is 0 or > BlockBuilder.MaxEvidence || list.Evidence.Any(e => e.DuplicateVoteEvidence is null))
        {
            peer.Disconnect("sent a malformed evidence list", ban: true);
            return;
        }

        inbox.Post(loop =>
        {
            foreach (Evidence item in list.Evidence)
            {
                EvidenceAddResult result = loop.Evidence.Add(item.DuplicateVoteEvidence);
                if (result == EvidenceAddResult.Invalid)
                {
                    logger.LogWarning("Peer {Peer} sent invalid evidence: {Reason}", peer.Id, loop.Evidence.LastRejection);
                    peer.Disconnect("sent invalid evidence", ban: true);
                    return;
                }

                if (result == EvidenceAddResult.Added)
                {
                    BroadcastEvidence(item.DuplicateVoteEvidence);
                }
            }
        });
    }

    private PeerRoundState State(IPeer peer) => _states.GetOrAdd(peer.Id, _ => new PeerRoundState());

    /// <summary>Whether this proposal arrives for the first time; only the latest height's are remembered.</summary>
    private bool FirstSight(Proposal proposal)
    {
        lock (_seenProposals)
        {
            if (proposal.Height > _seenHeight)
            {
                _seenProposals.Clear();
                _seenHeight = proposal.Height;
            }
            else if (proposal.Height < _seenHeight)
            {
                return true; // an older height: let the engine decide, nothing to remember
            }

            // Keyed by every field and the signature (the block was checked against its id), so a forged copy
            // cannot stand in for the real one. When full, everything goes to the engine, which dedupes anyway.
            return _seenProposals.Count >= MaxSeenProposals || _seenProposals.Add(proposal.ToByteString());
        }
    }

    private void AnnounceProposal(Proposal proposal, IPeer except)
    {
        var envelope = new Envelope { HasProposal = new HasProposal { Height = proposal.Height, Round = proposal.Round } };
        foreach (IPeer other in peers.Peers)
        {
            if (other.Id != except.Id)
            {
                other.TrySend(ChannelId.Consensus, envelope);
            }
        }
    }
}
