using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Signing;

/// <summary>The bytes a validator signs for a vote or a proposal: a serialized <see cref="CanonicalVote"/>
/// bound to the chain id, so a signature cannot be replayed on another chain or as another message type.</summary>
public static class CanonicalSignBytes
{
    public static byte[] ForVote(string chainId, Vote vote) => ForVote(chainId, vote, vote.TimestampUnixNanos);

    /// <summary>The sign bytes of <paramref name="vote"/> with another timestamp (the double-sign guard compares votes without it).</summary>
    public static byte[] ForVote(string chainId, Vote vote, long timestampUnixNanos) => new CanonicalVote
    {
        Type = vote.Type,
        Height = (long)vote.Height,
        Round = vote.Round,
        BlockId = vote.BlockId ?? new BlockId(),
        TimestampUnixNanos = timestampUnixNanos,
        ChainId = chainId,
    }.ToByteArray();

    public static byte[] ForProposal(string chainId, Proposal proposal) =>
        ForProposal(chainId, proposal, proposal.TimestampUnixNanos);

    public static byte[] ForProposal(string chainId, Proposal proposal, long timestampUnixNanos) => new CanonicalVote
    {
        Type = SignedMsgType.Proposal,
        Height = (long)proposal.Height,
        Round = proposal.Round,
        BlockId = proposal.BlockId ?? new BlockId(),
        TimestampUnixNanos = timestampUnixNanos,
        ChainId = chainId,
        PolRound = proposal.PolRound,
    }.ToByteArray();
}
