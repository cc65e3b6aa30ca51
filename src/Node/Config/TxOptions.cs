namespace Chain.Node.Config;

/// <summary>[tx]: this node's admission policy for txs.</summary>
public sealed record TxOptions
{
    /// <summary>Lowest fee per unit of gas this node accepts into its mempool.</summary>
    public GasPrice MinGasPrice { get; init; } = new(0.01m, "uchn");

    /// <summary>Most txs this node puts in a block it proposes (0 = no limit beyond the block's bytes and gas).</summary>
    public int MaxBlockTxs { get; init; }
}
