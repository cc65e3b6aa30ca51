using Chain.Consensus.Blocks;
using Chain.Proto.Types;

namespace Chain.Consensus.Tests.Simulation;

/// <summary>A node's "mempool": each block it builds carries a fresh tag; a byzantine one sometimes builds invalid blocks.</summary>
public sealed class SimBlockSource(SimBlocks blocks, int node, Random random, double invalidRate) : IBlockSource
{
    private int _counter;

    public Block CreateBlock(BlockRequest request) =>
        blocks.Make(request, $"n{node}/h{request.Height}/r{request.Round}/{_counter++}", random.NextDouble() < invalidRate);
}
