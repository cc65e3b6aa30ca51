using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Signing;
using Chain.Consensus.Tests.Simulation;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Wal;

/// <summary>
/// A proposer cannot push the chain's time ahead of the honest validators' clocks: a fresh proposal whose time is
/// further ahead than the allowed drift gets a nil prevote; the same block re-proposed with a proof-of-lock (+2/3
/// already prevoted it, so honest clocks accepted it) and a block that +2/3 precommitted are still followed.
/// </summary>
public sealed class TimelinessTests : DriverHarness
{
    private FakeKey[] Others => _keys.Where(k => k != _self).ToArray();

    private Proposal Propose(ConsensusDriver driver, Block block, uint round, int polRound)
    {
        FakeKey proposer = _keys.Single(k => k.Address.AsSpan().SequenceEqual(driver.Engine.ProposerFor(round).Address));
        var proposal = new Proposal { Height = 1, Round = round, PolRound = polRound, BlockId = BlockIdentity.Of(block), ProposerAddress = ByteString.CopyFrom(proposer.Address), TimestampUnixNanos = 5 };
        proposal.Signature = ByteString.CopyFrom(proposer.Sign(CanonicalSignBytes.ForProposal(ChainId, proposal)));
        driver.OnProposal(proposal, block);
        return proposal;
    }

    [Fact]
    public void A_fresh_proposal_from_the_future_gets_a_nil_prevote()
    {
        var (driver, host) = Boot();
        RunTo(driver, Stage.Propose);
        Block future = _blocks.Make(new BlockRequest(1, 0, _proposer.Address, null, _set, _set), "UNTIMELY far future");
        Propose(driver, future, round: 0, polRound: -1);

        Vote prevote = Assert.Single(host.Votes, v => v.Type == SignedMsgType.Prevote);
        Assert.Equal(BlockIdentity.Nil, prevote.BlockId);
    }

    [Fact]
    public void A_proposal_within_the_drift_gets_prevoted()
    {
        var (driver, host) = Boot();
        RunTo(driver, Stage.Propose);
        Block timely = _blocks.Make(new BlockRequest(1, 0, _proposer.Address, null, _set, _set), "on time");
        Proposal proposal = Propose(driver, timely, round: 0, polRound: -1);

        Assert.Equal(proposal.BlockId, Assert.Single(host.Votes, v => v.Type == SignedMsgType.Prevote).BlockId);
    }

    [Fact]
    public void A_block_that_two_thirds_precommitted_is_committed_even_if_it_looks_untimely_here()
    {
        var (driver, host) = Boot();
        RunTo(driver, Stage.Propose);
        Block block = _blocks.Make(new BlockRequest(1, 0, _proposer.Address, null, _set, _set), "UNTIMELY here, not elsewhere");
        Proposal proposal = Propose(driver, block, round: 0, polRound: -1);
        foreach (FakeKey other in Others)
        {
            driver.OnVote(SignedVote(other, SignedMsgType.Precommit, proposal.BlockId));
        }

        Assert.Equal(BlockIdentity.Of(block), BlockIdentity.Of(Assert.Single(host.Commits).Block));
    }
}
