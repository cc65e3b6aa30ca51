using Chain.Consensus.Blocks;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Commits;

/// <summary>
/// Checks that a commit proves a block (block sync, light clients): one entry per validator in set order,
/// every present signature valid and from the validator at its position, and more than 2/3 of the voting
/// power signed precommits for the block id. Mirrors CometBFT's VerifyCommit.
/// </summary>
public sealed class CommitVerifier(ISignatureVerifier verifier)
{
    public CommitVerificationResult Verify(string chainId, ConsensusValidatorSet validators, ulong height, BlockId blockId, Commit commit)
    {
        long total = validators.TotalVotingPower;
        if (commit.Height != height)
        {
            return Fail(CommitVerificationError.WrongHeight, $"commit is for height {commit.Height}, expected {height}", 0, total);
        }

        if (BlockIdentity.IsNil(commit.BlockId) || BlockIdentity.Key(commit.BlockId) != BlockIdentity.Key(blockId))
        {
            return Fail(CommitVerificationError.WrongBlockId,
                $"commit is for block {BlockIdentity.Key(commit.BlockId)}, expected {BlockIdentity.Key(blockId)}", 0, total);
        }

        if (commit.Signatures.Count != validators.Count)
        {
            return Fail(CommitVerificationError.WrongSignatureCount,
                $"commit has {commit.Signatures.Count} signatures for a set of {validators.Count} validators", 0, total);
        }

        long signed = 0;
        for (int i = 0; i < commit.Signatures.Count; i++)
        {
            CommitSig sig = commit.Signatures[i];
            if (sig.BlockIdFlag == BlockIdFlag.Absent)
            {
                continue;
            }

            if (sig.BlockIdFlag != BlockIdFlag.Commit && sig.BlockIdFlag != BlockIdFlag.Nil)
            {
                return Fail(CommitVerificationError.Malformed, $"signature {i} has flag {sig.BlockIdFlag}", signed, total);
            }

            ConsensusValidator validator = validators[i];
            if (!sig.ValidatorAddress.Span.SequenceEqual(validator.Address))
            {
                string known = validators.IndexOf(sig.ValidatorAddress.Span) >= 0 ? "a validator at another position" : "not a validator";
                return Fail(CommitVerificationError.UnknownValidator,
                    $"signature {i} is from {Convert.ToHexString(sig.ValidatorAddress.Span)} ({known}), expected {validator.AddressHex}", signed, total);
            }

            var vote = new Vote
            {
                Type = SignedMsgType.Precommit,
                Height = commit.Height,
                Round = commit.Round,
                BlockId = sig.BlockIdFlag == BlockIdFlag.Commit ? commit.BlockId : BlockIdentity.Nil,
                TimestampUnixNanos = sig.TimestampUnixNanos,
            };
            if (!verifier.Verify(validator.PublicKey, CanonicalSignBytes.ForVote(chainId, vote), sig.Signature.Span))
            {
                return Fail(CommitVerificationError.BadSignature, $"signature {i} from {validator.AddressHex} does not verify", signed, total);
            }

            if (sig.BlockIdFlag == BlockIdFlag.Commit)
            {
                signed += validator.VotingPower;
            }
        }

        if (signed * 3 <= total * 2)
        {
            return Fail(CommitVerificationError.InsufficientVotingPower,
                $"signatures for the block carry {signed} of {total} voting power; more than 2/3 is needed", signed, total);
        }

        return new CommitVerificationResult(CommitVerificationError.None, "ok", signed, total);
    }

    private static CommitVerificationResult Fail(CommitVerificationError error, string message, long signed, long total) =>
        new(error, message, signed, total);
}
