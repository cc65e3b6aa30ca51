using Chain.State.Transactions;

namespace Chain.State.Execution;

/// <summary>
/// Txs this node has already decoded (its mempool), found by hash, so <see cref="BlockExecutor.Execute"/> does not decode
/// them a second time. The executor uses a found tx only when its bytes equal the block's tx byte for byte.
/// Implementations are read from several threads at once and must not block.
/// </summary>
public interface IDecodedTxs
{
    /// <summary>The tx with this hash as <see cref="TxDecoder"/> decoded it with this node's decoder, or null.</summary>
    DecodedTx? Find(byte[] hash);
}
