using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Signing;
using Chain.Consensus.Tests.Simulation;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Wal;

/// <summary>What the driver and engine keep of messages that are not for the current height and round.</summary>
public sealed class HeldAndBoundedMessagesTests : DriverHarness
{
    private FakeKey[] Others => _keys.Where(k => k != _self).ToArray();

    [Fact]
    public void Votes_of_the_next_height_are_held_and_counted_once_the_node_gets_there()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Precommit);
        Vote early = SignedVote(Others[2], SignedMsgType.Prevote, BlockIdentity.Nil, height: 2);
        driver.OnVote(early);
        driver.OnVote(SignedVote(Others[2], SignedMsgType.Prevote, BlockIdentity.Nil, height: 3)); // too far: dropped
        Assert.Equal(1, driver.BufferedNextHeight);
        Assert.Equal(1UL, driver.Engine.Height);

        BlockId decided = driver.Engine.GetProposal(0)!.Value.Proposal.BlockId;
        driver.OnVote(SignedVote(Others[0], SignedMsgType.Precommit, decided));
        driver.OnVote(SignedVote(Others[1], SignedMsgType.Precommit, decided));

        Assert.Equal(2UL, driver.Engine.Height);
        Assert.Equal(0, driver.BufferedNextHeight);
        Assert.Contains(driver.Engine.GetVotes(0, SignedMsgType.Prevote), v => v.Signature.Equals(early.Signature));
    }

    [Fact]
    public void A_validator_opens_tallies_in_at_most_two_rounds_beyond_the_next()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        foreach (uint round in new uint[] { 5, 6, 7, 8 })
        {
            driver.OnVote(SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil, round: round));
        }

        Assert.Single(driver.Engine.GetVotes(5, SignedMsgType.Prevote));
        Assert.Single(driver.Engine.GetVotes(6, SignedMsgType.Prevote));
        Assert.Empty(driver.Engine.GetVotes(7, SignedMsgType.Prevote));
        Assert.Empty(driver.Engine.GetVotes(8, SignedMsgType.Prevote));

        // The cap is per validator, and a validator already seen in a round may add its other vote there.
        driver.OnVote(SignedVote(Others[1], SignedMsgType.Prevote, BlockIdentity.Nil, round: 7));
        driver.OnVote(SignedVote(Others[0], SignedMsgType.Precommit, BlockIdentity.Nil, round: 5));
        Assert.Single(driver.Engine.GetVotes(7, SignedMsgType.Prevote));
        Assert.Single(driver.Engine.GetVotes(5, SignedMsgType.Precommit));
        Assert.Equal(0U, driver.Engine.Round);
    }

    [Fact]
    public void Forged_votes_do_not_use_up_a_validators_rounds()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        foreach (uint round in new uint[] { 3, 4 })
        {
            Vote forged = SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil, round: round);
            forged.Signature = ByteString.CopyFrom(new byte[32]);
            driver.OnVote(forged);
        }

        driver.OnVote(SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil, round: 9));
        driver.OnVote(SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil, round: 10));
        Assert.Empty(driver.Engine.GetVotes(3, SignedMsgType.Prevote));
        Assert.Single(driver.Engine.GetVotes(9, SignedMsgType.Prevote));
        Assert.Single(driver.Engine.GetVotes(10, SignedMsgType.Prevote));
    }

    [Fact]
    public void Messages_beyond_the_round_lead_are_dropped()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        uint far = ConsensusEngine.MaxRoundLead + 1;
        driver.OnVote(SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil, round: far));
        Assert.Empty(driver.Engine.GetVotes(far, SignedMsgType.Prevote));

        // A signed proposal at the last round number: dropped before any proposer priority is computed for it.
        Block block = _blocks.Make(new BlockRequest(1, uint.MaxValue, _proposer.Address, null, _set, _set), "far");
        var proposal = new Proposal
        {
            Height = 1, Round = uint.MaxValue, PolRound = -1, BlockId = BlockIdentity.Of(block),
            ProposerAddress = ByteString.CopyFrom(_proposer.Address), TimestampUnixNanos = 5,
        };
        proposal.Signature = ByteString.CopyFrom(_proposer.Sign(CanonicalSignBytes.ForProposal(ChainId, proposal)));
        driver.OnProposal(proposal, block);
        Assert.Null(driver.Engine.GetProposal(uint.MaxValue));
        Assert.Equal(0U, driver.Engine.Round);
    }

    /// <summary>
    /// Proposals for far rounds (each up to <see cref="ConsensusEngine.MaxRoundLead"/> ahead) used to make the engine
    /// compute and keep the proposer priorities of each round before their signature was checked. Forged ones now
    /// cost a signature check and leave nothing behind; a real validator signing out of turn gets two such
    /// computations per height, and at most <see cref="ConsensusEngine.MaxCachedProposerRounds"/> rounds are kept.
    /// </summary>
    [Fact]
    public void Far_round_proposals_compute_no_proposer_priorities_unless_signed_and_keep_few()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        Proposal Far(FakeKey signer, uint round, bool forge)
        {
            Block block = _blocks.Make(new BlockRequest(1, round, signer.Address, null, _set, _set), $"far {round}");
            var proposal = new Proposal
            {
                Height = 1, Round = round, PolRound = -1, BlockId = BlockIdentity.Of(block),
                ProposerAddress = ByteString.CopyFrom(signer.Address), TimestampUnixNanos = 5,
            };
            proposal.Signature = ByteString.CopyFrom(forge ? new byte[32] : signer.Sign(CanonicalSignBytes.ForProposal(ChainId, proposal)));
            driver.OnProposal(proposal, block);
            return proposal;
        }

        for (uint round = 2; round < 2 + 500; round++)
        {
            Far(Others[0], round * 19, forge: true);
        }

        Assert.Equal(0, driver.Engine.CachedProposerRounds);

        // The same validator signing for every far round (out of turn in most): the engine stops computing for it
        // after two out-of-turn proposals and two accepted future rounds at this height.
        for (uint round = 2; round < 2 + 500; round++)
        {
            Far(Others[0], round * 19, forge: false);
        }

        Assert.InRange(driver.Engine.CachedProposerRounds, 1, ConsensusEngine.MaxCachedProposerRounds);
        Assert.True(driver.Engine.CachedProposerRounds <= 2 + 2, $"{driver.Engine.CachedProposerRounds} rounds computed for one out-of-turn validator");
        Assert.Equal(0U, driver.Engine.Round);
    }

    /// <summary>Honest peers relay only what their engines verified, so a vote or proposal that does not verify for
    /// the validator it names is reported (the node bans its sender), at this height and for the next one, where it
    /// is no longer held.</summary>
    [Fact]
    public void Forged_votes_and_proposals_are_reported_and_not_held_for_the_next_height()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        Vote genuine = SignedVote(Others[0], SignedMsgType.Prevote, BlockIdentity.Nil);
        Vote badSignature = SignedVote(Others[1], SignedMsgType.Prevote, BlockIdentity.Nil);
        badSignature.Signature = ByteString.CopyFrom(new byte[32]);
        Vote wrongIndex = SignedVote(Others[2], SignedMsgType.Prevote, BlockIdentity.Nil);
        wrongIndex.ValidatorIndex = (wrongIndex.ValidatorIndex + 1) % 4;
        Vote nextHeightForged = SignedVote(Others[1], SignedMsgType.Prevote, BlockIdentity.Nil, height: 2);
        nextHeightForged.Signature = ByteString.CopyFrom(new byte[32]);

        Assert.True(driver.OnVote(genuine));
        Assert.True(driver.OnVote(genuine)); // a copy is not forged
        Assert.False(driver.OnVote(badSignature));
        Assert.False(driver.OnVote(wrongIndex));
        Assert.False(driver.OnVote(nextHeightForged));
        Assert.Equal(0, driver.BufferedNextHeight);
        Assert.True(driver.OnVote(SignedVote(Others[1], SignedMsgType.Prevote, BlockIdentity.Nil, height: 2)));
        Assert.Equal(1, driver.BufferedNextHeight);

        Block block = _blocks.Make(new BlockRequest(1, 0, _proposer.Address, null, _set, _set), "forged");
        var proposal = new Proposal { Height = 1, Round = 0, PolRound = -1, BlockId = BlockIdentity.Of(block), ProposerAddress = ByteString.CopyFrom(_proposer.Address), TimestampUnixNanos = 5, Signature = ByteString.CopyFrom(new byte[32]) };
        Assert.False(driver.OnProposal(proposal, block));
    }

    /// <summary>Next-height messages are held within a byte budget as well as a count: large signed proposals
    /// stop being held at <see cref="ConsensusDriver.MaxNextHeightBytes"/>.</summary>
    [Fact]
    public void Next_height_proposals_are_held_within_the_byte_budget()
    {
        var (driver, _) = Boot();
        RunTo(driver, Stage.Propose);
        byte[] megabyte = new byte[1024 * 1024];
        for (uint round = 0; round < 80; round++)
        {
            Block block = _blocks.Make(new BlockRequest(2, round, _proposer.Address, null, _set, _set), $"big {round}");
            block.Data.Txs.Add(ByteString.CopyFrom(megabyte));
            var proposal = new Proposal { Height = 2, Round = round, PolRound = -1, BlockId = BlockIdentity.Of(block), ProposerAddress = ByteString.CopyFrom(_proposer.Address), TimestampUnixNanos = 5 };
            proposal.Signature = ByteString.CopyFrom(_proposer.Sign(CanonicalSignBytes.ForProposal(ChainId, proposal)));
            Assert.True(driver.OnProposal(proposal, block));
        }

        Assert.InRange(driver.BufferedNextHeight, 1, (int)(ConsensusDriver.MaxNextHeightBytes / megabyte.Length));
    }
}
