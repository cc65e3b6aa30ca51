using Chain.Proto.Types;

namespace Chain.Node.Production;

/// <summary>Gossip for a node with no peer connections: nothing leaves the node.</summary>
public sealed class NoPeers : IConsensusGossip
{
    public void BroadcastProposal(Proposal proposal, Block block)
    {
    }

    public void BroadcastVote(Vote vote)
    {
    }

    public void BroadcastEvidence(DuplicateVoteEvidence evidence)
    {
    }
}
