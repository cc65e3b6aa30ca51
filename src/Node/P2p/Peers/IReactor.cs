using Chain.Node.P2p.Channels;
using Chain.Proto.P2p;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// A protocol that runs over some channels (consensus, mempool, block sync, evidence). Register it
/// with <see cref="PeerSwitch.AddReactor"/> before the switch starts. Calls come from the switch's
/// connection tasks: keep them short and hand real work to the reactor's own queue.
/// </summary>
public interface IReactor
{
    /// <summary>The channels whose messages this reactor receives; each channel has at most one reactor.</summary>
    IReadOnlyCollection<ChannelId> Channels { get; }

    /// <summary>A peer finished its handshake and its channels are open.</summary>
    void OnPeerAdded(IPeer peer);

    /// <summary>The peer's connection closed; nothing more is delivered from it.</summary>
    void OnPeerRemoved(IPeer peer);

    /// <summary>
    /// A well-formed message of a kind allowed on <paramref name="channel"/>. Called in order, one at a
    /// time per peer and channel. A reactor that finds the content invalid (a bad signature) calls
    /// <see cref="IPeer.Disconnect"/> with ban = true.
    /// </summary>
    void OnMessage(IPeer peer, ChannelId channel, Envelope message);
}
