using Chain.Node.P2p.Identity;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// The connections to each node id that are on their way but not yet admitted: this node's dial
/// (one at a time) and inbound connections between their handshake and their admission. The switch
/// consults it so that two nodes dialing each other at once agree on one connection before either
/// announces a peer (see <see cref="PeerSwitch"/>). Not thread-safe: the switch calls it under its lock.
/// </summary>
internal sealed class PendingConnections
{
    private readonly Dictionary<NodeId, TaskCompletionSource> _dials = [];
    private readonly Dictionary<NodeId, Inbound> _inbound = [];

    /// <summary>Completes when this node's dial to <paramref name="id"/> ends; null when none is under way.</summary>
    public Task? DialTo(NodeId id) => _dials.TryGetValue(id, out var dial) ? dial.Task : null;

    /// <summary>Completes when every inbound connection from <paramref name="id"/> now being admitted is admitted or refused; null when none is.</summary>
    public Task? InboundFrom(NodeId id) => _inbound.TryGetValue(id, out var inbound) ? inbound.Done.Task : null;

    /// <summary>
    /// Records this node's dial to <paramref name="id"/>, or returns what to wait for first: another
    /// dial to it or an inbound connection from it that is being admitted.
    /// </summary>
    public Task? TryBeginDial(NodeId id)
    {
        if ((DialTo(id) ?? InboundFrom(id)) is { } busy)
        {
            return busy;
        }

        _dials.Add(id, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return null;
    }

    public void EndDial(NodeId id)
    {
        if (_dials.Remove(id, out var dial))
        {
            dial.TrySetResult();
        }
    }

    public void BeginInbound(NodeId id)
    {
        if (_inbound.TryGetValue(id, out var inbound))
        {
            inbound.Count++;
        }
        else
        {
            _inbound.Add(id, new Inbound());
        }
    }

    public void EndInbound(NodeId id)
    {
        if (_inbound.TryGetValue(id, out var inbound) && --inbound.Count == 0)
        {
            _inbound.Remove(id);
            inbound.Done.TrySetResult();
        }
    }

    private sealed class Inbound
    {
        public int Count { get; set; } = 1;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
