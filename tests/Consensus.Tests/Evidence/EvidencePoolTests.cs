using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Crypto;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Evidence;

public sealed class EvidencePoolTests : IValidatorSetHistory
{
    private const string ChainId = "test-chain";
    private readonly PrivateKey[] _keys = Enumerable.Range(0, 4).Select(_ => PrivateKey.Generate()).ToArray();
    private readonly ConsensusValidatorSet _set;
    private readonly EvidencePool _pool;

    public EvidencePoolTests()
    {
        _set = ConsensusValidatorSet.Create(_keys.Select(k => new ValidatorUpdate(k.Address, k.PublicKey, 5)));
        _pool = new EvidencePool(new EvidenceVerifier(new Secp256k1SignatureVerifier(), ChainId, this));
    }

    public ConsensusValidatorSet? ValidatorsAt(ulong height) => height <= 10 ? _set : null;

    private Vote SignedVote(PrivateKey key, byte block, uint round = 0)
    {
        var vote = new Vote
        {
            Type = SignedMsgType.Prevote,
            Height = 3,
            Round = round,
            BlockId = new BlockId { Hash = ByteString.CopyFrom(Enumerable.Repeat(block, 32).ToArray()) },
            ValidatorAddress = ByteString.CopyFrom(key.Address),
            ValidatorIndex = (uint)_set.IndexOf(key.Address),
        };
        vote.Signature = ByteString.CopyFrom(new Secp256k1VoteSigner(key).Sign(CanonicalSignBytes.ForVote(ChainId, vote)));
        return vote;
    }

    private DuplicateVoteEvidence Evidence(PrivateKey key, uint round = 0) => new()
    {
        VoteA = SignedVote(key, 1, round),
        VoteB = SignedVote(key, 2, round),
        ValidatorPower = 5,
        TotalVotingPower = 20,
    };

    [Fact]
    public void Verified_evidence_is_pending_once_and_gone_after_commit()
    {
        DuplicateVoteEvidence ev = Evidence(_keys[0]);
        Assert.Equal(EvidenceAddResult.Added, _pool.Add(ev));
        Assert.Equal(EvidenceAddResult.Duplicate, _pool.Add(Evidence(_keys[0])));
        Assert.Equal(EvidenceAddResult.Added, _pool.Add(Evidence(_keys[1])));
        Assert.Equal(2, _pool.PendingEvidence(10).Count);
        Assert.Single(_pool.PendingEvidence(1));

        _pool.MarkCommitted([ev]);
        Assert.Equal(1, _pool.PendingCount);
        Assert.Equal(EvidenceAddResult.AlreadyCommitted, _pool.Add(ev));
    }

    [Fact]
    public void Evidence_with_a_forged_signature_is_rejected()
    {
        DuplicateVoteEvidence ev = Evidence(_keys[0]);
        byte[] sig = ev.VoteB.Signature.ToByteArray();
        sig[5] ^= 1;
        ev.VoteB.Signature = ByteString.CopyFrom(sig);
        Assert.Equal(EvidenceAddResult.Invalid, _pool.Add(ev));
        Assert.Contains("vote B", _pool.LastRejection);
    }

    [Fact]
    public void Votes_for_the_same_block_or_other_rounds_are_not_evidence()
    {
        DuplicateVoteEvidence same = Evidence(_keys[0]);
        same.VoteB = same.VoteA.Clone();
        Assert.Equal(EvidenceAddResult.Invalid, _pool.Add(same));

        DuplicateVoteEvidence rounds = Evidence(_keys[0]);
        rounds.VoteB = SignedVote(_keys[0], 2, round: 1);
        Assert.Equal(EvidenceAddResult.Invalid, _pool.Add(rounds));
        Assert.Equal(0, _pool.PendingCount);
    }
}
