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

    private static ProposalMessage SomeProposal()
    {
        var block = new Block { Header = new Header { Height = 1, ChainId = "reactor-test" }, Data = new Data() };
        return new ProposalMessage
        {
            Proposal = new Proposal { Height = 1, BlockId = Chain.Consensus.Blocks.BlockIdentity.Of(block), Signature = ByteString.CopyFrom(new byte[64]) },
            Block = block,
        };
    }

    [Fact]
    public void A_proposal_whose_block_is_not_the_one_it_names_bans_the_peer()
    {
        ProposalMessage p = SomeProposal();
        p.Block.Header.Height = 2;
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
        Assert.Single(_other.Sent, s => s.Message.HasProposal is { Height: 1, Round: 0 });
        Assert.DoesNotContain(_peer.Sent, s => s.Message.HasProposal is not null);
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
