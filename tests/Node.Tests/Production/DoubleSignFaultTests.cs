using Chain.Consensus.Blocks;
using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Crypto;
using Chain.Node.Production;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Node.Tests.Production;

/// <summary>testing.double_sign_at_height: one conflicting prevote, at that height only, that peers accept as evidence,
/// while the double-sign guard keeps the honest vote and still refuses the conflicting one itself.</summary>
public sealed class DoubleSignFaultTests
{
    private const string ChainId = "double-sign-test";
    private const ulong At = 5;
    private readonly PrivateKey _key = PrivateKey.Generate();
    private readonly PrivateKey _other = PrivateKey.Generate();
    private readonly DoubleSignGuard _guard;
    private readonly DoubleSignFault _fault;

    public DoubleSignFaultTests()
    {
        var signer = new Secp256k1VoteSigner(_key);
        _guard = new DoubleSignGuard(signer, new MemorySignerStateStore(), ChainId);
        _fault = new DoubleSignFault(At, signer, ChainId);
    }

    private Vote Signed(SignedMsgType type, ulong height, BlockId blockId, uint round = 1)
    {
        var vote = new Vote
        {
            Type = type, Height = height, Round = round, BlockId = blockId, TimestampUnixNanos = 1_000,
            ValidatorAddress = ByteString.CopyFrom(_key.Address), ValidatorIndex = 0,
        };
        Assert.True(_guard.SignVote(vote).IsSigned);
        return vote;
    }

    private static BlockId Block(byte fill) => new() { Hash = ByteString.CopyFrom(Enumerable.Repeat(fill, 32).ToArray()) };

    [Fact]
    public void First_prevote_of_each_height_from_the_setting_on_gets_a_conflicting_prevote_that_peers_take_as_evidence()
    {
        Assert.Null(_fault.ConflictWith(Signed(SignedMsgType.Prevote, At - 1, Block(1))));
        Assert.Null(_fault.ConflictWith(Signed(SignedMsgType.Precommit, At - 1, Block(1))));
        Vote honest = Signed(SignedMsgType.Prevote, At, Block(2));
        var guarded = _guard.LastSigned;

        Vote conflicting = Assert.IsType<Vote>(_fault.ConflictWith(honest));

        Assert.Equal((honest.Type, honest.Height, honest.Round, honest.ValidatorAddress, honest.ValidatorIndex),
            (conflicting.Type, conflicting.Height, conflicting.Round, conflicting.ValidatorAddress, conflicting.ValidatorIndex));
        Assert.True(BlockIdentity.IsNil(conflicting.BlockId));
        Assert.Equal(guarded, _guard.LastSigned);
        Assert.False(_guard.SignVote(conflicting.Clone()).IsSigned);

        // Peers' evidence pools accept the pair as DuplicateVoteEvidence.
        var set = ConsensusValidatorSet.Create(
        [
            new ValidatorUpdate(_key.Address, _key.PublicKey, 10),
            new ValidatorUpdate(_other.Address, _other.PublicKey, 30),
        ]);
        var self = set.IndexOf(_key.Address);
        honest.ValidatorIndex = conflicting.ValidatorIndex = (uint)self; // not in the sign bytes
        var pool = new EvidencePool(new EvidenceVerifier(new Secp256k1SignatureVerifier(), ChainId, new History(set), new History(set), EvidenceMaxAge.Default));
        var evidence = new DuplicateVoteEvidence { VoteA = honest, VoteB = conflicting, ValidatorPower = 10, TotalVotingPower = 40 };
        Assert.Equal(EvidenceAddResult.Added, pool.Add(evidence));

        // Once per height, even in a later round of it; again at the next height.
        Assert.Null(_fault.ConflictWith(honest));
        Assert.Null(_fault.ConflictWith(Signed(SignedMsgType.Prevote, At, Block(3), round: 2)));
        Assert.NotNull(_fault.ConflictWith(Signed(SignedMsgType.Prevote, At + 1, Block(4))));
        Assert.Null(_fault.ConflictWith(Signed(SignedMsgType.Prevote, At + 1, Block(4), round: 1)));
    }

    [Fact]
    public void A_nil_prevote_gets_a_conflicting_prevote_for_a_block_whose_signature_verifies()
    {
        Vote honest = Signed(SignedMsgType.Prevote, At, BlockIdentity.Nil.Clone());

        Vote conflicting = Assert.IsType<Vote>(_fault.ConflictWith(honest));

        Assert.False(BlockIdentity.IsNil(conflicting.BlockId));
        Assert.True(new Secp256k1SignatureVerifier().Verify(_key.PublicKey, CanonicalSignBytes.ForVote(ChainId, conflicting), conflicting.Signature.Span));
    }

    [Fact]
    public void Other_validators_votes_and_precommits_are_left_alone()
    {
        var othersVote = new Vote { Type = SignedMsgType.Prevote, Height = At, BlockId = Block(1), ValidatorAddress = ByteString.CopyFrom(_other.Address) };
        Assert.Null(_fault.ConflictWith(othersVote));
        Assert.Null(_fault.ConflictWith(Signed(SignedMsgType.Precommit, At, Block(1))));
        Assert.Null(new DoubleSignFault(0, new Secp256k1VoteSigner(_key), ChainId).ConflictWith(Signed(SignedMsgType.Prevote, At + 1, Block(1))));
    }

    private sealed class History(ConsensusValidatorSet set) : IValidatorSetHistory, ILastCommittedBlock
    {
        public ulong Height => At - 1;

        public long TimeUnixNanos => 0;

        public ConsensusValidatorSet? ValidatorsAt(ulong height) => height == At ? set : null;
    }
}
