using Chain.Consensus.Blocks;
using Chain.Proto.Types;

namespace Chain.Consensus.Evidence;

/// <summary>
/// What one piece of double-sign evidence proves: validator V signed two different votes of one height, round and
/// type. The offence is (V, height, round, type), whatever the vote order, timestamps or which two of several
/// conflicting votes a reporter picked; it is punished once. Evidence is normalised the way the engine builds it:
/// the vote for the lower block id first, the evidence's time the later of the two votes' (signed) timestamps.
/// </summary>
public static class DuplicateVoteOffence
{
    /// <summary>Validator address (hex), height, round and vote type: one key per offence.</summary>
    public static string Key(DuplicateVoteEvidence evidence)
    {
        Vote v = evidence.VoteA ?? evidence.VoteB ?? new Vote();
        return $"{Convert.ToHexString(v.ValidatorAddress.Span)}/{v.Height}/{v.Round}/{(int)v.Type}";
    }

    /// <summary>A copy with the votes in canonical order and the time taken from them (both votes must be present).</summary>
    public static DuplicateVoteEvidence Normalised(DuplicateVoteEvidence evidence)
    {
        DuplicateVoteEvidence copy = evidence.Clone();
        if (string.CompareOrdinal(BlockIdentity.Key(copy.VoteA.BlockId), BlockIdentity.Key(copy.VoteB.BlockId)) > 0)
        {
            (copy.VoteA, copy.VoteB) = (copy.VoteB, copy.VoteA);
        }

        copy.TimestampUnixNanos = TimeOf(copy);
        return copy;
    }

    /// <summary>The evidence's time: the later of its two votes' timestamps.</summary>
    public static long TimeOf(DuplicateVoteEvidence evidence) =>
        Math.Max(evidence.VoteA.TimestampUnixNanos, evidence.VoteB.TimestampUnixNanos);
}
