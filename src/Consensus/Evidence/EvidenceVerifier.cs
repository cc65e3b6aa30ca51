using Chain.Consensus.Blocks;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Proto.Types;

namespace Chain.Consensus.Evidence;

/// <summary>Checks DuplicateVoteEvidence: two validly signed votes of one validator at one height, round and type,
/// for different block ids, with the validator's and the set's power as recorded, in the normalised form of
/// <see cref="DuplicateVoteOffence"/> (so a reporter cannot restate one offence with another time or order), and not
/// older than <paramref name="maxAge"/> against the last committed block.</summary>
public sealed class EvidenceVerifier(
    ISignatureVerifier verifier,
    string chainId,
    IValidatorSetHistory history,
    ILastCommittedBlock lastBlock,
    EvidenceMaxAge maxAge)
{
    public EvidenceMaxAge MaxAge => maxAge;

    /// <summary>Whether evidence of this height and time is too old now.</summary>
    public bool IsExpired(ulong height, long timeUnixNanos) =>
        maxAge.IsExpired(height, timeUnixNanos, lastBlock.Height, lastBlock.TimeUnixNanos);

    /// <summary>Null when valid, else what is wrong.</summary>
    public string? Check(DuplicateVoteEvidence evidence)
    {
        Vote? a = evidence.VoteA, b = evidence.VoteB;
        if (a is null || b is null)
        {
            return "evidence lacks a vote";
        }

        if (a.Height != b.Height || a.Round != b.Round || a.Type != b.Type)
        {
            return $"votes differ in height/round/type: {a.Height}/{a.Round}/{a.Type} vs {b.Height}/{b.Round}/{b.Type}";
        }

        if (a.Type != SignedMsgType.Prevote && a.Type != SignedMsgType.Precommit)
        {
            return $"vote type {a.Type} is not a prevote or precommit";
        }

        if (!a.ValidatorAddress.Equals(b.ValidatorAddress) || a.ValidatorIndex != b.ValidatorIndex)
        {
            return "votes are from different validators";
        }

        int order = string.CompareOrdinal(BlockIdentity.Key(a.BlockId), BlockIdentity.Key(b.BlockId));
        if (order == 0)
        {
            return "votes are for the same block id";
        }

        if (order > 0)
        {
            return "vote A must be the one for the lower block id";
        }

        long time = DuplicateVoteOffence.TimeOf(evidence);
        if (evidence.TimestampUnixNanos != time)
        {
            return $"evidence time {evidence.TimestampUnixNanos} is not the later vote's timestamp {time}";
        }

        if (IsExpired(a.Height, time))
        {
            return $"evidence of height {a.Height} at {time} is older than {maxAge.Blocks} blocks and {maxAge.Duration} " +
                   $"before the last block ({lastBlock.Height} at {lastBlock.TimeUnixNanos})";
        }

        ConsensusValidatorSet? set = history.ValidatorsAt(a.Height);
        if (set is null)
        {
            return $"no validator set known for height {a.Height}";
        }

        int index = set.IndexOf(a.ValidatorAddress.Span);
        if (index < 0 || index != (int)a.ValidatorIndex)
        {
            return $"{Convert.ToHexString(a.ValidatorAddress.Span)} is not validator {a.ValidatorIndex} at height {a.Height}";
        }

        ConsensusValidator validator = set[index];
        if (evidence.ValidatorPower != validator.VotingPower || evidence.TotalVotingPower != set.TotalVotingPower)
        {
            return $"evidence claims power {evidence.ValidatorPower}/{evidence.TotalVotingPower}, the set says {validator.VotingPower}/{set.TotalVotingPower}";
        }

        if (!verifier.Verify(validator.PublicKey, CanonicalSignBytes.ForVote(chainId, a), a.Signature.Span))
        {
            return "vote A's signature does not verify";
        }

        if (!verifier.Verify(validator.PublicKey, CanonicalSignBytes.ForVote(chainId, b), b.Signature.Span))
        {
            return "vote B's signature does not verify";
        }

        return null;
    }
}
