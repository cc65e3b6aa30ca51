namespace Chain.Node.Mempool;

/// <summary>Where a tx offered to the mempool came from; clients are held to the pool's backlog bound, relays are not.</summary>
public enum TxOrigin
{
    /// <summary>A client's BroadcastTx or BroadcastTxs on this node.</summary>
    Client,

    /// <summary>A peer relaying a tx it admitted.</summary>
    Peer,
}
