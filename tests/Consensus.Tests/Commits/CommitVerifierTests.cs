using Chain.Consensus.Blocks;
using Chain.Consensus.Commits;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Crypto;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Commits;

/// <summary>Commit verification with real secp256k1 signatures.</summary>
public sealed class CommitVerifierTests
{
    private const string ChainId = "test-chain";
    private readonly PrivateKey[] _keys = Enumerable.Range(0, 4).Select(_ => PrivateKey.Generate()).ToArray();
    private readonly ConsensusValidatorSet _set;
    private readonly BlockId _blockId = new() { Hash = ByteString.CopyFrom(Enumerable.Repeat((byte)0x42, 32).ToArray()) };
    private readonly CommitVerifier _verifier = new(new Secp256k1SignatureVerifier());

    public CommitVerifierTests()
    {
        _set = ConsensusValidatorSet.Create(_keys.Select(k => new ValidatorUpdate(k.Address, k.PublicKey, 10)));
    }

    private PrivateKey KeyAt(int index) => _keys.Single(k => k.Address.AsSpan().SequenceEqual(_set[index].Address));

    private CommitSig Sign(PrivateKey key, BlockId id, BlockIdFlag flag)
    {
        var vote = new Vote { Type = SignedMsgType.Precommit, Height = 9, Round = 1, BlockId = id, TimestampUnixNanos = 1234 };
        return new CommitSig
        {
            BlockIdFlag = flag,
            ValidatorAddress = ByteString.CopyFrom(key.Address),
            TimestampUnixNanos = 1234,
            Signature = ByteString.CopyFrom(new Secp256k1VoteSigner(key).Sign(CanonicalSignBytes.ForVote(ChainId, vote))),
        };
    }

    /// <summary>The first <paramref name="signers"/> validators precommit the block, one more precommits nil, the rest are absent.</summary>
    private Commit MakeCommit(int signers)
    {
        var commit = new Commit { Height = 9, Round = 1, BlockId = _blockId };
        for (int i = 0; i < _set.Count; i++)
        {
            commit.Signatures.Add(i < signers ? Sign(KeyAt(i), _blockId, BlockIdFlag.Commit)
                : i == signers ? Sign(KeyAt(i), BlockIdentity.Nil, BlockIdFlag.Nil)
                : new CommitSig { BlockIdFlag = BlockIdFlag.Absent });
        }

        return commit;
    }

    [Fact]
    public void Three_of_four_equal_validators_prove_the_block()
    {
        CommitVerificationResult result = _verifier.Verify(ChainId, _set, 9, _blockId, MakeCommit(3));
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(30, result.SignedPower);
    }

    [Fact]
    public void Two_of_four_is_too_little_power()
    {
        CommitVerificationResult result = _verifier.Verify(ChainId, _set, 9, _blockId, MakeCommit(2));
        Assert.Equal(CommitVerificationError.InsufficientVotingPower, result.Error);
        Assert.Contains("20 of 40", result.Message);
    }

    [Fact]
    public void A_bad_signature_is_named()
    {
        Commit commit = MakeCommit(4);
        byte[] sig = commit.Signatures[2].Signature.ToByteArray();
        sig[10] ^= 1;
        commit.Signatures[2].Signature = ByteString.CopyFrom(sig);
        CommitVerificationResult result = _verifier.Verify(ChainId, _set, 9, _blockId, commit);
        Assert.Equal(CommitVerificationError.BadSignature, result.Error);
        Assert.Contains("signature 2", result.Message);
    }

    [Fact]
    public void A_signature_for_another_chain_does_not_verify()
    {
        Assert.Equal(CommitVerificationError.BadSignature, _verifier.Verify("other-chain", _set, 9, _blockId, MakeCommit(3)).Error);
    }

    [Fact]
    public void A_signature_from_a_non_validator_is_rejected()
    {
        Commit commit = MakeCommit(3);
        commit.Signatures[1] = Sign(PrivateKey.Generate(), _blockId, BlockIdFlag.Commit);
        CommitVerificationResult result = _verifier.Verify(ChainId, _set, 9, _blockId, commit);
        Assert.Equal(CommitVerificationError.UnknownValidator, result.Error);
        Assert.Contains("not a validator", result.Message);
    }

    [Fact]
    public void Wrong_height_block_id_or_size_are_rejected()
    {
        Assert.Equal(CommitVerificationError.WrongHeight, _verifier.Verify(ChainId, _set, 10, _blockId, MakeCommit(4)).Error);
        var other = new BlockId { Hash = ByteString.CopyFrom(new byte[32]) };
        Assert.Equal(CommitVerificationError.WrongBlockId, _verifier.Verify(ChainId, _set, 9, other, MakeCommit(4)).Error);
        Commit shorter = MakeCommit(4);
        shorter.Signatures.RemoveAt(3);
        Assert.Equal(CommitVerificationError.WrongSignatureCount, _verifier.Verify(ChainId, _set, 9, _blockId, shorter).Error);
    }
}
