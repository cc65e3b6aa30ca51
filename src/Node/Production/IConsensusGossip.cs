using Chain.Proto.Types;

namespace Chain.Node.Production;

/// <summary>Where this validator's own proposals, votes and found evidence go out to peers. The peer-to-peer
/// reactor (<see cref="Reactors.ConsensusReactor"/>) implements it; with no peer connected nothing leaves the node.</summary>
public interface IConsensusGossip
{
    void BroadcastProposal(Proposal proposal, Block block);

    void BroadcastVote(Vote vote);

    void BroadcastEvidence(DuplicateVoteEvidence evidence);
}
