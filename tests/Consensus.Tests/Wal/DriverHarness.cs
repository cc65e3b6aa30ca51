using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Options;
using Chain.Consensus.Signing;
using Chain.Consensus.Tests.Simulation;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Wal;

/// <summary>Four fake validators and one driver under test (not the proposer of height 1), with the steps that walk it
/// through height 1.</summary>
public abstract class DriverHarness
{
    protected const string ChainId = "sim-chain";
    protected readonly FakeKey[] _keys = Enumerable.Range(1, 4).Select(i => new FakeKey(i)).ToArray();
    protected readonly ConsensusValidatorSet _set;
    protected readonly SimBlocks _blocks = new(ChainId);
    protected readonly MemoryWriteAheadLog _wal = new();
    protected readonly MemorySignerStateStore _signerState = new();
    protected readonly FakeKey _self;
    protected readonly FakeKey _proposer;
    protected HeightStart _start;

    protected DriverHarness()
    {
        _set = ConsensusValidatorSet.Create(_keys.Select(k => new ValidatorUpdate(k.Address, k.PublicKey, 1)));
        _start = HeightStart.FromGenesis(_set);
        _proposer = _keys.Single(k => k.Address.AsSpan().SequenceEqual(_set.Proposer.Address));
        _self = _keys.First(k => k != _proposer);
    }

    public enum Stage
    {
        Propose,
        Prevote,
        Precommit,
        Commit,
    }

    private protected (ConsensusDriver Driver, RecordingHost Host) Boot(long maxPeerWalBytesPerHeight = ConsensusDriver.DefaultMaxPeerWalBytesPerHeight)
    {
        var engine = new ConsensusEngine(ConsensusOptions.Testnet, ChainId, _start, _self.Address,
            new SimBlockSource(_blocks, 0, new Random(1), 0), _blocks, new FakeSignatureVerifier());
        var host = new RecordingHost();
        var driver = new ConsensusDriver(engine, _wal, new DoubleSignGuard(_self, _signerState, ChainId), host,
            maxPeerWalBytesPerHeight: maxPeerWalBytesPerHeight);
        driver.Start();
        return (driver, host);
    }

    protected Vote SignedVote(FakeKey key, SignedMsgType type, BlockId id, ulong height = 1, uint round = 0)
    {
        var vote = new Vote
        {
            Type = type,
            Height = height,
            Round = round,
            BlockId = id,
            TimestampUnixNanos = 7,
            ValidatorAddress = ByteString.CopyFrom(key.Address),
            ValidatorIndex = (uint)_set.IndexOf(key.Address),
        };
        vote.Signature = ByteString.CopyFrom(key.Sign(CanonicalSignBytes.ForVote(ChainId, vote)));
        return vote;
    }

    /// <summary>The proposer's signed proposal of height 1, round 0.</summary>
    protected (Proposal Proposal, Block Block) SignedProposal()
    {
        Block block = _blocks.Make(new BlockRequest(1, 0, _proposer.Address, null, _set, _set), "b1");
        var proposal = new Proposal { Height = 1, Round = 0, PolRound = -1, BlockId = BlockIdentity.Of(block), ProposerAddress = ByteString.CopyFrom(_proposer.Address), TimestampUnixNanos = 5 };
        proposal.Signature = ByteString.CopyFrom(_proposer.Sign(CanonicalSignBytes.ForProposal(ChainId, proposal)));
        return (proposal, block);
    }

    /// <summary>Drives the validator through height 1 up to <paramref name="stage"/>.</summary>
    protected void RunTo(ConsensusDriver driver, Stage stage)
    {
        driver.OnTimeout(new TimeoutInfo(1, 0, TimeoutStep.NewHeight));
        if (stage == Stage.Propose)
        {
            return;
        }

        (Proposal proposal, Block block) = SignedProposal();
        driver.OnProposal(proposal, block);
        if (stage == Stage.Prevote)
        {
            return;
        }

        FakeKey[] others = _keys.Where(k => k != _self).ToArray();
        driver.OnVote(SignedVote(others[0], SignedMsgType.Prevote, proposal.BlockId));
        driver.OnVote(SignedVote(others[1], SignedMsgType.Prevote, proposal.BlockId));
        if (stage == Stage.Precommit)
        {
            return;
        }

        driver.OnVote(SignedVote(others[0], SignedMsgType.Precommit, proposal.BlockId));
        driver.OnVote(SignedVote(others[1], SignedMsgType.Precommit, proposal.BlockId));
    }
}
