using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Tests.Simulation;
using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Wal;

/// <summary>What of a peer's messages reaches the WAL: only what the engine verified and took, once, and no more than
/// the per-height cap; this validator's own signatures always.</summary>
public sealed class WalAdmissionTests : DriverHarness
{
    private FakeKey[] Others => _keys.Where(k => k != _self).ToArray();

    private List<WalRecord> PeerRecords() =>
        _wal.ReadAll().Where(r => r.SumCase is WalRecord.SumOneofCase.VoteIn or WalRecord.SumOneofCase.ProposalIn).ToList();

    private static Vote Forged(Vote vote)
    {
        vote.Signature = ByteString.CopyFrom(new byte[32]);
        return vote;
    }

    [Fact]
    public void A_vote_or_proposal_whose_signature_does_not_verify_is_not_written_to_the_wal()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);

        driver.OnVote(Forged(SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil)));
        (Proposal proposal, Block block) = SignedProposal();
        Proposal forgedProposal = proposal.Clone();
        forgedProposal.Signature = ByteString.CopyFrom(new byte[32]);
        driver.OnProposal(forgedProposal, block);

        Assert.Empty(PeerRecords());
        Assert.Null(driver.Engine.GetProposal(0));
    }

    [Fact]
    public void A_message_the_engine_already_holds_is_written_once()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        Vote vote = SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil);
        (Proposal proposal, Block block) = SignedProposal();
        for (int i = 0; i < 3; i++)
        {
            driver.OnVote(vote);
            driver.OnProposal(proposal, block);
        }

        Assert.Equal([WalRecord.SumOneofCase.VoteIn, WalRecord.SumOneofCase.ProposalIn], PeerRecords().Select(r => r.SumCase));
    }

    [Fact]
    public void A_forged_vote_held_for_the_next_height_is_not_written_when_released()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Precommit);
        Vote good = SignedVote(Others[2], SignedMsgType.Prevote, BlockIdentity.Nil, height: 2);
        driver.OnVote(Forged(SignedVote(Others[1], SignedMsgType.Prevote, BlockIdentity.Nil, height: 2)));
        driver.OnVote(good);

        BlockId decided = driver.Engine.GetProposal(0)!.Value.Proposal.BlockId;
        driver.OnVote(SignedVote(Others[0], SignedMsgType.Precommit, decided));
        driver.OnVote(SignedVote(Others[1], SignedMsgType.Precommit, decided));
        Assert.Equal(2UL, driver.Engine.Height);

        List<Vote> ofHeight2 = PeerRecords().Where(r => r.VoteIn?.Height == 2).Select(r => r.VoteIn).ToList();
        Assert.Equal([good.Signature], ofHeight2.Select(v => v.Signature));
    }

    [Fact]
    public void Past_the_per_height_cap_peer_messages_are_acted_on_but_not_logged_while_own_votes_always_are()
    {
        (Proposal proposal, Block block) = SignedProposal();
        long proposalRecord = new WalRecord { ProposalIn = new ProposalMessage { Proposal = proposal, Block = block } }.CalculateSize();
        var (driver, host) = Boot(maxPeerWalBytesPerHeight: proposalRecord + 10);
        RunTo(driver, Stage.Commit);

        // The proposal fit; the peers' votes after it did not, yet the engine counted them and decided the block.
        Assert.Single(host.Commits);
        Assert.Equal([WalRecord.SumOneofCase.ProposalIn], PeerRecords().Select(r => r.SumCase));
        Assert.Equal(2, _wal.ReadAll().Count(r => r.SumCase == WalRecord.SumOneofCase.OwnVote));
        Assert.Equal(_wal.Length, _wal.SyncedLength);
    }

    [Fact]
    public void The_cap_counts_what_a_restart_replayed_so_a_crash_loop_does_not_reset_it()
    {
        (Proposal proposal, Block block) = SignedProposal();
        long proposalRecord = new WalRecord { ProposalIn = new ProposalMessage { Proposal = proposal, Block = block } }.CalculateSize();
        var (before, _) = Boot(maxPeerWalBytesPerHeight: proposalRecord + 10);
        RunTo(before, Stage.Prevote);
        _wal.Crash(int.MaxValue);

        var (after, _) = Boot(maxPeerWalBytesPerHeight: proposalRecord + 10);
        Assert.Equal(RoundStep.Prevote, after.Engine.Step);
        after.OnVote(SignedVote(Others[0], SignedMsgType.Prevote, proposal.BlockId));
        Assert.Equal([WalRecord.SumOneofCase.ProposalIn], PeerRecords().Select(r => r.SumCase));
        Assert.Contains(after.Engine.GetVotes(0, SignedMsgType.Prevote), v => v.ValidatorAddress.Span.SequenceEqual(Others[0].Address));
    }
}
