using Chain.Proto.Types;

namespace Chain.Consensus.Blocks;

/// <summary>Builds the block this validator proposes (the node reaps txs from its mempool).
/// Called by the engine synchronously; must not block on I/O for long.</summary>
public interface IBlockSource
{
    Block CreateBlock(BlockRequest request);
}
