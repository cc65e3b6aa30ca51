using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.Production;
using Chain.Node.Reactors;
using Chain.Proto.Consensus;
using Chain.Proto.Genesis;
using Chain.Proto.P2p;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Reactors;

/// <summary>What the reactors do with what peers send: malformed input bans the peer and reaches nothing; well-formed
/// input is queued for the consensus loop; gossip sends each vote to a peer once.</summary>
public sealed class ReactorInputTests : IDisposable
{
    private readonly FakePeer _peer = new();
    private readonly FakePeer _other = new();
    private readonly ConsensusInbox _inbox = new();
    private readonly ChainApp _app = ChainApp.Open(new MemoryKeyValueStore(), new GenesisDoc { ChainId = "reactor-test", InitialHeight = 1, AppState = { ModuleCatalog.Create().DefaultAppState() } }, ModuleCatalog.Create());

    public void Dispose() => _app.Dispose();

    private ConsensusReactor Consensus() => new(_inbox, new FakePeerSet(_peer, _other), NullLogger<ConsensusReactor>.Instance);

    private int Queued()
    {
        int count = 0;
        while (_inbox.Reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }

    private static Vote SomeVote(uint index) => new()
    {
        Type = SignedMsgType.Prevote,
        Height = 1,
        ValidatorIndex = index,
        ValidatorAddress = ByteString.CopyFrom(new byte[20]),
        Signature = ByteString.CopyFrom(new byte[64]),
    };

    public static TheoryData<string> MalformedConsensus() => new() { "proposal-without-block", "short-signature", "bad-step" };

    [Theory]
    [MemberData(nameof(MalformedConsensus))]
    public void A_malformed_consensus_message_bans_the_peer_and_reaches_nothing(string kind)
    {
        Envelope message = kind switch
        {
            "proposal-without-block" => new Envelope { Proposal = new ProposalMessage { Proposal = new Proposal { Signature = ByteString.CopyFrom(new byte[64]) } } },
            "short-signature" => new Envelope { Vote = WithSignature(SomeVote(0), 10) },
            _ => new Envelope { NewRoundStep = new NewRoundStep { Height = 1, Step = 9 } },
        };

        Consensus().OnMessage(_peer, ChannelId.Consensus, message);

        Assert.True(_peer.Banned, kind);
        Assert.NotNull(_peer.DisconnectReason);
        Assert.Equal(0, Queued());
    }

    [Fact]
    public void A_well_formed_vote_goes_to_the_consensus_loop_and_is_not_echoed()
    {
        var reactor = Consensus();
        Vote vote = SomeVote(2);
        reactor.OnMessage(_peer, ChannelId.Consensus, new Envelope { Vote = vote });
        Assert.False(_peer.Banned);
        Assert.Equal(1, Queued());

        // The same vote signed by this node would not go back to the peer that has it, only to the other one.
        reactor.BroadcastVote(vote);
        reactor.BroadcastVote(vote);
        Assert.DoesNotContain(_peer.Sent, s => s.Message.Vote is not null);
        Assert.Single(_other.Sent, s => s.Message.Vote is not null);
    }

    /// <summary>A proposal of height 2 whose block carries two txs and a last commit, with the header's hashes over them.</summary>
    private static ProposalMessage SomeProposal()
    {
        var block = new Block
        {
            Header = new Header { Height = 2, ChainId = "reactor-test" },
            Data = new Data { Txs = { ByteString.CopyFromUtf8("tx one"), ByteString.CopyFromUtf8("tx two") } },
            Evidence = new EvidenceList(),
            LastCommit = new Commit { Height = 1, BlockId = new BlockId { Hash = ByteString.CopyFrom(new byte[32]) }, Signatures = { new CommitSig { BlockIdFlag = BlockIdFlag.Commit, Signature = ByteString.CopyFrom(new byte[64]) } } },
        };
        block.Header.DataHash = ByteString.CopyFrom(HeaderRules.DataHash(block.Data.Txs));
        block.Header.EvidenceHash = ByteString.CopyFrom(HeaderRules.EvidenceHash(block.Evidence));
        block.Header.LastCommitHash = ByteString.CopyFrom(HeaderRules.LastCommitHash(block.LastCommit));
        return new ProposalMessage
        {
            Proposal = new Proposal { Height = 2, BlockId = Chain.Consensus.Blocks.BlockIdentity.Of(block), Signature = ByteString.CopyFrom(new byte[64]) },
            Block = block,
        };
    }

    [Fact]
    public void A_proposal_whose_block_is_not_the_one_it_names_bans_the_peer()
    {
        ProposalMessage p = SomeProposal();
        p.Block.Header.Height = 3;
        Consensus().OnMessage(_peer, ChannelId.Consensus, new Envelope { Proposal = p });
        Assert.True(_peer.Banned);
        Assert.Equal(0, Queued());
    }

    [Fact]
    public void A_proposal_goes_to_the_engine_once_and_the_other_peers_hear_this_node_has_it()
    {
        var reactor = Consensus();
        reactor.OnMessage(_peer, ChannelId.Consensus, new Envelope { Proposal = SomeProposal() });
        reactor.OnMessage(_other, ChannelId.Consensus, new Envelope { Proposal = SomeProposal() });

        Assert.Equal(1, Queued());
        Assert.False(_peer.Banned || _other.Banned);
        Assert.Single(_other.Sent, s => s.Message.HasProposal is { Height: 2, Round: 0 });
        Assert.DoesNotContain(_peer.Sent, s => s.Message.HasProposal is not null);
    }

    public static TheoryData<string> Strippings() => new() { "txs removed", "a tx replaced", "last commit removed", "last commit altered", "evidence added" };

    /// <summary>
    /// A block's id is its header's hash, so a relayer can keep a genuine signed proposal and header and strip or
    /// alter the body. Such a copy bans its sender before anything is remembered of it, so the genuine copy from
    /// another peer still reaches the engine (before, the stripped copy used up the proposal's first sight and the
    /// engine kept the wrong block under the right id).
    /// </summary>
    [Theory]
    [MemberData(nameof(Strippings))]
    public void A_relayed_proposal_with_another_body_bans_the_relayer_and_the_genuine_copy_still_reaches_the_engine(string kind)
    {
        var reactor = Consensus();
        ProposalMessage poisoned = SomeProposal();
        switch (kind)
        {
            case "txs removed":
                poisoned.Block.Data.Txs.Clear();
                break;
            case "a tx replaced":
                poisoned.Block.Data.Txs[1] = ByteString.CopyFromUtf8("tx 2");
                break;
            case "last commit removed":
                poisoned.Block.LastCommit = null;
                break;
            case "last commit altered":
                poisoned.Block.LastCommit.Signatures.Clear();
                break;
            default:
                poisoned.Block.Evidence.Evidence.Add(new Evidence { DuplicateVoteEvidence = new DuplicateVoteEvidence() });
                break;
        }

        Assert.Equal(SomeProposal().Proposal, poisoned.Proposal);
        Assert.Equal(SomeProposal().Proposal.BlockId, Chain.Consensus.Blocks.BlockIdentity.Of(poisoned.Block));
        reactor.OnMessage(_peer, ChannelId.Consensus, new Envelope { Proposal = poisoned });
        Assert.True(_peer.Banned);
        Assert.Equal(0, Queued());

        reactor.OnMessage(_other, ChannelId.Consensus, new Envelope { Proposal = SomeProposal() });
        Assert.False(_other.Banned);
        Assert.Equal(1, Queued());
    }

    [Fact]
    public void What_a_peer_announces_never_grows_its_gossip_state_past_three_heights_and_the_cap()
    {
        var state = new PeerRoundState();
        state.Update(100, 0, 1);
        for (uint i = 0; i < 50_000; i++)
        {
            state.MarkVote(100, i, SignedMsgType.Prevote, i);  // every round and index a peer may name
            state.MarkProposal(100 + 2 + i, 0);                // heights far ahead
            state.MarkVote(ulong.MaxValue - i, 0, SignedMsgType.Precommit, 0);
        }

        Assert.True(state.Tracked <= PeerRoundState.MaxMarksPerHeight, $"{state.Tracked} marks kept");
        Assert.False(state.MarkVote(98, 0, SignedMsgType.Prevote, 0)); // too old: never sent
        Assert.True(state.MarkVote(99, 0, SignedMsgType.Prevote, 0));
        Assert.False(state.MarkVote(99, 0, SignedMsgType.Prevote, 0)); // known now: sent once

        state.Update(ulong.MaxValue, uint.MaxValue, 1);
        Assert.Equal(0, state.Tracked);
    }

    /// <summary>While the consensus loop is busy, one peer's votes fill only its own share of the inbox: past it its
    /// messages are dropped, and another peer's still get in.</summary>
    [Fact]
    public void One_peer_fills_only_its_share_of_the_consensus_inbox()
    {
        var reactor = Consensus();
        for (uint i = 0; i < 6_000; i++)
        {
            Vote vote = SomeVote(i);
            vote.Round = i;
            reactor.OnMessage(_peer, ChannelId.Consensus, new Envelope { Vote = vote });
        }

        reactor.OnMessage(_other, ChannelId.Consensus, new Envelope { Vote = SomeVote(1) });
        Assert.False(_peer.Banned);
        Assert.Equal(5_000 + 1, Queued());
    }

    [Fact]
    public void The_inbox_budget_admits_one_message_of_any_size_per_idle_peer_and_caps_the_rest()
    {
        var budget = new PeerQueueBudget(maxBytesPerPeer: 1_000, maxMessagesPerPeer: 3, maxBytesTotal: 2_500, maxMessagesTotal: 5);
        Assert.True(budget.TryReserve(_peer.Id, 50_000));   // alone, a large proposal always gets in
        Assert.False(budget.TryReserve(_peer.Id, 10));      // but nothing after it from the same peer
        Assert.False(budget.TryReserve(_other.Id, 10));     // and the total is spent
        budget.Release(_peer.Id, 50_000);
        Assert.Equal(0, budget.Bytes);

        Assert.True(budget.TryReserve(_peer.Id, 600));
        Assert.False(budget.TryReserve(_peer.Id, 600));     // past the peer's bytes
        Assert.True(budget.TryReserve(_peer.Id, 100));
        Assert.True(budget.TryReserve(_peer.Id, 100));
        Assert.False(budget.TryReserve(_peer.Id, 1));       // past the peer's messages
        Assert.True(budget.TryReserve(_other.Id, 900));
        Assert.False(budget.TryReserve(_other.Id, 900));    // past the total bytes
        Assert.Equal(1_700, budget.Bytes);
    }

    [Fact]
    public void An_evidence_list_that_is_empty_or_too_long_bans_the_peer()
    {
        var tooMany = new EvidenceList();
        for (int i = 0; i <= BlockBuilder.MaxEvidence; i++)
        {
            tooMany.Evidence.Add(new Evidence { DuplicateVoteEvidence = new DuplicateVoteEvidence() });
        }

        Consensus().OnMessage(_peer, ChannelId.Evidence, new Envelope { Evidence = tooMany });
        Consensus().OnMessage(_other, ChannelId.Evidence, new Envelope { Evidence = new EvidenceList() });
        Assert.True(_peer.Banned);
        Assert.True(_other.Banned);
        Assert.Equal(0, Queued());
    }

    [Fact]
    public void Block_sync_bans_an_impossible_status_and_answers_a_missing_block()
    {
        var sync = new BlockSyncReactor(_inbox, new FakePeerSet(_peer, _other), _app.Executor, NullLogger<BlockSyncReactor>.Instance);
        sync.OnMessage(_peer, ChannelId.Blocks, new Envelope { StatusResponse = new StatusResponse { Base = 5, Height = 2 } });
        Assert.True(_peer.Banned);

        sync.OnMessage(_other, ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = 5 } });
        Assert.False(_other.Banned);
        Assert.Equal(5UL, Assert.Single(_other.Sent).Message.NoBlockResponse.Height);

        // A block nobody asked for is ignored, not applied.
        sync.OnMessage(_other, ChannelId.Blocks, new Envelope { BlockResponse = new BlockResponse { Block = new Block { Header = new Header { Height = 1 } }, Commit = new Commit() } });
        Assert.Equal(0, Queued());
    }

    [Fact]
    public void A_tx_batch_over_the_limit_bans_the_peer()
    {
        var mempool = new Node.Mempool.Mempool(_app.Executor, new MempoolOptions(), new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance);
        var reactor = new MempoolReactor(mempool, new FakePeerSet(_peer));
        var batch = new TxBatch();
        for (int i = 0; i <= MempoolReactor.MaxBatchTxs; i++)
        {
            batch.Txs.Add(ByteString.CopyFrom([1, 2, 3]));
        }

        reactor.OnMessage(_peer, ChannelId.Mempool, new Envelope { Txs = batch });
        Assert.True(_peer.Banned);
        Assert.Equal(0, mempool.Count);
    }

    [Fact]
    public void Peer_round_state_knows_each_vote_once_and_forgets_old_heights()
    {
        var state = new PeerRoundState();
        state.Update(5, 0, 1);
        Vote vote = SomeVote(1);
        vote.Height = 5;
        Assert.True(state.MarkVote(vote));
        Assert.False(state.MarkVote(vote));
        Assert.False(state.MarkVote(5, 0, SignedMsgType.Prevote, 1));
        Assert.True(state.MarkProposal(5, 0));
        Assert.False(state.MarkProposal(5, 0));

        state.Update(7, 0, 1); // heights below 6 are forgotten and refused
        Assert.False(state.MarkVote(5, 0, SignedMsgType.Prevote, 2));
        Assert.True(state.MarkVote(6, 0, SignedMsgType.Prevote, 2));
    }

    private static Vote WithSignature(Vote vote, int length)
    {
        vote.Signature = ByteString.CopyFrom(new byte[length]);
        return vote;
    }
}
