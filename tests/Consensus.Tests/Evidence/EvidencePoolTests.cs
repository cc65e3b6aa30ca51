using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Crypto;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Evidence;

public sealed class EvidencePoolTests : IValidatorSetHistory, ILastCommittedBlock
{
    private static readonly EvidenceMaxAge MaxAge = new(10, TimeSpan.FromSeconds(100));
    private const long Second = 1_000_000_000;

    private const string ChainId = "test-chain";
    private readonly PrivateKey[] _keys = Enumerable.Range(0, 4).Select(_ => PrivateKey.Generate()).ToArray();
    private readonly ConsensusValidatorSet _set;
    private readonly EvidencePool _pool;

    public EvidencePoolTests()
    {
        _set = ConsensusValidatorSet.Create(_keys.Select(k => new ValidatorUpdate(k.Address, k.PublicKey, 5)));
        _pool = new EvidencePool(new EvidenceVerifier(new Secp256k1SignatureVerifier(), ChainId, this, this, MaxAge));
    }

    public ConsensusValidatorSet? ValidatorsAt(ulong height) => height <= 1000 ? _set : null;

    /// <summary>The last committed block: height 3 at 1000 s unless a test moves it.</summary>
    public ulong Height { get; set; } = 3;

    public long TimeUnixNanos { get; set; } = 1000 * Second;

    private Vote SignedVote(PrivateKey key, byte block, uint round = 0, long timestamp = 0)
    {
        var vote = new Vote
        {
            Type = SignedMsgType.Prevote,
            Height = 3,
            Round = round,
            TimestampUnixNanos = timestamp,
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

    [Fact]
    public void Evidence_older_than_both_max_ages_is_refused_as_expired_and_dropped_from_the_pool()
    {
        DuplicateVoteEvidence ev = Evidence(_keys[0]); // height 3, time 0
        Height = 3 + MaxAge.Blocks + 1;
        TimeUnixNanos = 1000 * Second; // more than 100 s after the votes
        Assert.Equal(EvidenceAddResult.Expired, _pool.Add(ev));
        Assert.Contains("older", _pool.LastRejection);

        // Old in blocks only, or in time only: still taken (CometBFT's rule: both limits must be passed).
        Height = 3 + MaxAge.Blocks;
        Assert.Equal(EvidenceAddResult.Added, _pool.Add(ev));
        Height = 3 + MaxAge.Blocks + 1;
        TimeUnixNanos = 100 * Second;
        Assert.Equal(EvidenceAddResult.Duplicate, _pool.Add(ev));

        // Once it expires, the next block's commit drops it: it is never proposed.
        TimeUnixNanos = 1000 * Second;
        _pool.MarkCommitted([]);
        Assert.Equal(0, _pool.PendingCount);
    }

    [Fact]
    public void The_pool_normalises_vote_order_and_time_so_every_node_proposes_the_same_evidence()
    {
        DuplicateVoteEvidence swapped = new()
        {
            VoteA = SignedVote(_keys[0], 9, timestamp: 5),
            VoteB = SignedVote(_keys[0], 2, timestamp: 7),
            ValidatorPower = 5,
            TotalVotingPower = 20,
            TimestampUnixNanos = 123_456, // not the votes' time: a reporter's choice
        };
        Assert.Equal(EvidenceAddResult.Added, _pool.Add(swapped));
        DuplicateVoteEvidence pending = _pool.PendingEvidence(1).Single();
        Assert.Equal(2, pending.VoteA.BlockId.Hash[0]);
        Assert.Equal(9, pending.VoteB.BlockId.Hash[0]);
        Assert.Equal(7, pending.TimestampUnixNanos);
    }

    [Fact]
    public void A_committed_offence_is_not_taken_again_with_its_votes_swapped_retimestamped_or_another_pair()
    {
        DuplicateVoteEvidence ev = Evidence(_keys[0]);
        Assert.Equal(EvidenceAddResult.Added, _pool.Add(ev));
        _pool.MarkCommitted([ev]);

        DuplicateVoteEvidence swapped = new() { VoteA = ev.VoteB, VoteB = ev.VoteA, ValidatorPower = 5, TotalVotingPower = 20 };
        DuplicateVoteEvidence retimed = ev.Clone();
        retimed.TimestampUnixNanos = 99;
        DuplicateVoteEvidence otherPair = new() { VoteA = SignedVote(_keys[0], 1, timestamp: 3), VoteB = SignedVote(_keys[0], 3), ValidatorPower = 5, TotalVotingPower = 20 };
        foreach (DuplicateVoteEvidence again in new[] { swapped, retimed, otherPair })
        {
            Assert.Equal(EvidenceAddResult.AlreadyCommitted, _pool.Add(again));
        }

        Assert.Equal(0, _pool.PendingCount);
    }

    [Fact]
    public void A_verifier_refuses_evidence_not_in_normal_form()
    {
        var verifier = new EvidenceVerifier(new Secp256k1SignatureVerifier(), ChainId, this, this, MaxAge);
        DuplicateVoteEvidence ev = Evidence(_keys[0]);
        Assert.Null(verifier.Check(ev));

        DuplicateVoteEvidence swapped = ev.Clone();
        (swapped.VoteA, swapped.VoteB) = (swapped.VoteB, swapped.VoteA);
        Assert.Contains("lower block id", verifier.Check(swapped));

        DuplicateVoteEvidence retimed = ev.Clone();
        retimed.TimestampUnixNanos = 99;
        Assert.Contains("timestamp", verifier.Check(retimed));
    }

    [Fact]
    public void The_pool_holds_at_most_its_item_limit()
    {
        int added = 0;
        for (uint round = 0; added < EvidencePool.MaxPending; round++)
        {
            foreach (PrivateKey key in _keys)
            {
                if (added < EvidencePool.MaxPending)
                {
                    Assert.Equal(EvidenceAddResult.Added, _pool.Add(Evidence(key, round)));
                    added++;
                }
            }
        }

        Assert.Equal(EvidenceAddResult.Full, _pool.Add(Evidence(_keys[0], 10_000)));
        Assert.Equal(EvidencePool.MaxPending, _pool.PendingCount);
        Assert.True(_pool.PendingBytes <= EvidencePool.MaxPendingBytes);
    }
}
