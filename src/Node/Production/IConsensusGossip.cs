using Chain.Proto.Types;

namespace Chain.Node.Production;

/// <summary>Where this validator's own proposals, votes and found evidence go out to peers. The peer-to-peer
/// reactor (<see cref="Reactors.ConsensusReactor"/>) implements it; with no peer connected nothing leaves the node.</summary>
public interface IConsensusGossip
{
    void BroadcastProposal(Proposal proposal, Block block);

    void BroadcastVote(Vote vote);

    /// <summary>A second vote of this validator for a height, round and type it already voted in (test only:
    /// <see cref="DoubleSignFault"/>). Goes to every peer, whatever the peer is known to hold already.</summary>
    void BroadcastEquivocation(Vote vote);

    void BroadcastEvidence(DuplicateVoteEvidence evidence);
}
