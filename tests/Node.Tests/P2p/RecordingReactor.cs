using System.Collections.Concurrent;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Proto.P2p;

namespace Chain.Node.Tests.P2p;

/// <summary>A reactor that records what the switch hands it.</summary>
internal sealed class RecordingReactor : IReactor
{
    public RecordingReactor(params ChannelId[] channels) => Channels = channels;

    public IReadOnlyCollection<ChannelId> Channels { get; }

    public ConcurrentQueue<(NodeId From, ChannelId Channel, Envelope Message)> Received { get; } = new();

    public ConcurrentQueue<NodeId> Added { get; } = new();

    public ConcurrentQueue<NodeId> Removed { get; } = new();

    public void OnPeerAdded(IPeer peer) => Added.Enqueue(peer.Id);

    public void OnPeerRemoved(IPeer peer) => Removed.Enqueue(peer.Id);

    public void OnMessage(IPeer peer, ChannelId channel, Envelope message) => Received.Enqueue((peer.Id, channel, message));

    public Envelope[] On(ChannelId channel) => [.. Received.Where(r => r.Channel == channel).Select(r => r.Message)];
}
