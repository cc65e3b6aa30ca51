using Chain.Node.Config;
using Chain.Proto.P2p;

namespace Chain.Node.P2p.Channels;

/// <summary>
/// One channel of a peer connection: its name on the multiplexed stream, the largest message it
/// takes, and the envelope kinds allowed on it. A peer that breaks either limit is dropped and banned.
/// </summary>
public sealed record ChannelDescriptor(ChannelId Id, string Name, int MaxMessageBytes, IReadOnlySet<Envelope.SumOneofCase> Accepts)
{
    /// <summary>The limit of the evidence channel (or p2p.max_message_bytes when smaller).</summary>
    public const int EvidenceMaxBytes = 1024 * 1024;

    /// <summary>The limit of the peers channel (or p2p.max_message_bytes when smaller).</summary>
    public const int PeersMaxBytes = 64 * 1024;

    /// <summary>The five channels, in the order they are opened, with limits from <paramref name="options"/>.</summary>
    public static IReadOnlyList<ChannelDescriptor> All(P2pOptions options)
    {
        var max = options.MaxMessageBytes;
        return
        [
            new(ChannelId.Consensus, "consensus", max, new HashSet<Envelope.SumOneofCase>
            {
                Envelope.SumOneofCase.Proposal,
                Envelope.SumOneofCase.Vote,
                Envelope.SumOneofCase.HasVote,
                Envelope.SumOneofCase.NewRoundStep,
                Envelope.SumOneofCase.HasProposal,
            }),
            new(ChannelId.Mempool, "mempool", max, new HashSet<Envelope.SumOneofCase> { Envelope.SumOneofCase.Txs }),
            new(ChannelId.Blocks, "blocks", max, new HashSet<Envelope.SumOneofCase>
            {
                Envelope.SumOneofCase.BlockRequest,
                Envelope.SumOneofCase.BlockResponse,
                Envelope.SumOneofCase.NoBlockResponse,
                Envelope.SumOneofCase.StatusRequest,
                Envelope.SumOneofCase.StatusResponse,
            }),
            new(ChannelId.Evidence, "evidence", Math.Min(max, EvidenceMaxBytes), new HashSet<Envelope.SumOneofCase> { Envelope.SumOneofCase.Evidence }),
            new(ChannelId.Peers, "peers", Math.Min(max, PeersMaxBytes), new HashSet<Envelope.SumOneofCase>
            {
                Envelope.SumOneofCase.PexRequest,
                Envelope.SumOneofCase.PexAddresses,
            }),
        ];
    }
}
