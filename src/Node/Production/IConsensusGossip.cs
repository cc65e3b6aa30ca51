using Chain.Proto.Types;

namespace Chain.Node.Production;

/// <summary>Where this validator's own proposals, votes and found evidence go out to peers. The peer-to-peer
/// layer implements it; a node without peers uses <see cref="NoPeers"/>.</summary>
public interface IConsensusGossip
{
    void BroadcastProposal(Proposal proposal, Block block);

    void BroadcastVote(Vote vote);

    void BroadcastEvidence(DuplicateVoteEvidence evidence);
}
