using Chain.Consensus.Commits;
using Chain.Consensus.Engine;
using Chain.Consensus.Signing;
using Chain.Node.Config;

namespace Chain.Node.Production;

/// <summary>Builds the consensus engine of this node from its config, block source and checker; holds the checks
/// a block from block sync must also pass.</summary>
public sealed class ConsensusFactory(
    NodeConfig config, string chainId, BlockBuilder builder, ProposalChecker checker, ISignatureVerifier verifier, CommitVerifier commits)
{
    public string ChainId => chainId;

    public ProposalChecker Checker => checker;

    public CommitVerifier Commits => commits;

    public ConsensusEngine CreateEngine(HeightStart start, byte[] self) =>
        new(config.Consensus, chainId, start, self, builder, checker, verifier);
}
