namespace Chain.Node.P2p.Channels;

/// <summary>The channels multiplexed over each peer connection (named in <see cref="ChannelDescriptor"/>).</summary>
public enum ChannelId : byte
{
    /// <summary>Proposals with their blocks, votes, has-vote and round-step announcements.</summary>
    Consensus = 1,

    /// <summary>Txs gossiped between mempools.</summary>
    Mempool = 2,

    /// <summary>Block sync: status and block requests and responses.</summary>
    Blocks = 3,

    /// <summary>Evidence of misbehaving validators.</summary>
    Evidence = 4,

    /// <summary>Peer addresses.</summary>
    Peers = 5,
}
