using System.Net;
using System.Net.Sockets;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Transport;
using Chain.Proto.P2p;
using Microsoft.Extensions.Logging;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// The peer manager: listens on p2p.listen_address (<see cref="InboundConnections"/>), keeps persistent
/// peers connected (<see cref="PersistentPeerLoop"/>), admits each authenticated connection at most once
/// per node id, refuses itself, banned peers and addresses (<see cref="BanList"/>, kept in the ban file when given), other chains and inbound connections beyond p2p.max_peers,
/// opens the channels of <see cref="ChannelDescriptor"/> over each connection (<see cref="Peer.OpenAsync"/>)
/// and hands their messages to the registered reactors. See docs/p2p.md.
/// </summary>
public sealed class PeerSwitch : IPeerSet, IAsyncDisposable
{
    /// <summary>The wire protocol version in <see cref="NodeInfo.ProtocolVersion"/>.</summary>
    public const uint ProtocolVersion = 1;

    private readonly PrivateKey _nodeKey;
    private readonly P2pOptions _options;
    private readonly ILogger<PeerSwitch> _logger;
    private readonly TimeProvider _time;
    private readonly NodeInfo _localInfo;
    private readonly IReadOnlyList<ChannelDescriptor> _channels;
    private readonly IReactor?[] _reactorByChannel = new IReactor?[Enum.GetValues<ChannelId>().Max(c => (int)c) + 1];
    private readonly List<IReactor> _reactors = [];
    private readonly Dictionary<NodeId, Peer> _peers = [];
    private readonly Lock _gate = new();
    private readonly Lock _countGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly PendingConnections _pending = new();
    private TcpListener? _listener;
    private int _state;

    public PeerSwitch(PrivateKey nodeKey, string chainId, string moniker, P2pOptions options, ILogger<PeerSwitch> logger, TimeProvider? time = null, string? banFile = null)
    {
        _nodeKey = nodeKey;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        NodeId = NodeId.FromPublicKey(nodeKey.PublicKey);
        ChainId = chainId;
        _localInfo = new NodeInfo
        {
            ProtocolVersion = ProtocolVersion,
            ChainId = chainId,
            ListenAddress = options.ListenAddress.ToString(),
            Moniker = moniker,
        };
        _channels = ChannelDescriptor.All(options);
        QueuedSendBytes = new SendBudget(options.SendQueueTotalBytes);
        Bans = new BanList(_time, banFile, logger);
        Backoff = new DialBackoff(options.DialBackoffMin, options.DialBackoffMax);
    }

    public NodeId NodeId { get; }

    public string ChainId { get; }

    public BanList Bans { get; }

    /// <summary>Bytes queued to send to all peers together, against p2p.send_queue_total_bytes.</summary>
    public SendBudget QueuedSendBytes { get; }

    public DialBackoff Backoff { get; }

    /// <summary>The channels opened over every connection.</summary>
    public IReadOnlyList<ChannelDescriptor> Channels => _channels;

    /// <summary>Where the switch listens, once started.</summary>
    public IPEndPoint? ListenEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    public IReadOnlyList<IPeer> Peers
    {
        get
        {
            lock (_gate)
            {
                return [.. _peers.Values];
            }
        }
    }

    /// <summary>Raised with the number of peers whenever a peer is added or removed; one raise at a time, each with the count at that moment.</summary>
    public event Action<int>? PeerCountChanged;

    /// <summary>Registers a reactor for its channels; before <see cref="StartAsync"/> only.</summary>
    public void AddReactor(IReactor reactor)
    {
        if (_state != 0)
        {
            throw new InvalidOperationException("reactors are added before the switch starts");
        }

        foreach (var channel in reactor.Channels)
        {
            if (_reactorByChannel[(int)channel] is { } existing)
            {
                throw new InvalidOperationException($"channel {channel} already belongs to {existing.GetType().Name}");
            }

            _reactorByChannel[(int)channel] = reactor;
        }

        _reactors.Add(reactor);
    }

    public bool TryGetPeer(NodeId id, out IPeer peer)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var p))
            {
                peer = p;
                return true;
            }
        }

        peer = null!;
        return false;
    }

    public int Broadcast(ChannelId channel, Envelope message)
    {
        var bytes = DelimitedMessage.Encode(message);
        var queued = 0;
        foreach (var peer in Peers)
        {
            if (((Peer)peer).TrySendEncoded(channel, bytes))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>
    /// Refuses <paramref name="id"/> for p2p.ban_duration, and the remote address of its connection (unless 127.0.0.1
    /// or ::1, see <see cref="BanList"/>), and drops its connection.
    /// </summary>
    public void Ban(NodeId id, string reason)
    {
        var address = TryGetPeer(id, out var connected) && connected.RemoteEndPoint is IPEndPoint { Address: var a } ? a : null;
        Bans.Ban(id, _options.BanDuration, address);
        _logger.LogWarning("Banned peer {NodeId} for {BanDuration}: {Reason}", id, _options.BanDuration, reason);
        if (TryGetPeer(id, out var peer))
        {
            peer.Disconnect(reason);
        }
    }

    /// <summary>Binds the listener and starts accepting and dialing persistent peers. Throws <see cref="SocketException"/> when the address is taken.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the switch was already started");
        }

        var address = await HostAddresses.ResolveAsync(_options.ListenAddress.Host, ct);
        var listener = new TcpListener(address, _options.ListenAddress.Port);
        listener.Start();
        _listener = listener;
        _logger.LogInformation("P2P listening on {ListenAddress} as node {NodeId}", listener.LocalEndpoint, NodeId);
        lock (_loops)
        {
            var inbound = new InboundConnections(listener, _nodeKey, _localInfo, _options, Bans, AdmitAsync, _time, _logger);
            _loops.Add(Task.Run(() => inbound.AcceptLoopAsync(_stop.Token), CancellationToken.None));
            var redial = new PersistentPeerLoop(this, _time, _logger);
            foreach (var text in _options.PersistentPeers)
            {
                var peer = PeerAddress.Parse(text);
                if (peer.Id == NodeId)
                {
                    _logger.LogWarning("Persistent peer {Peer} is this node; not dialing it", text);
                    continue;
                }

                _loops.Add(Task.Run(() => redial.KeepConnectedAsync(peer, _stop.Token), CancellationToken.None));
            }
        }
    }

    /// <summary>Stops accepting and dialing and closes every connection.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener?.Stop();
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }

        try
        {
            await Task.WhenAll(loops);
        }
        catch (Exception e) when (e is OperationCanceledException)
        {
        }

        var peers = Peers;
        foreach (var peer in peers)
        {
            peer.Disconnect("the node is stopping");
        }

        await Task.WhenAll(peers.Select(p => p.Completion));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    /// <summary>
    /// Dials <paramref name="address"/>, runs the handshake (refusing another id than the address
    /// names) and admits the peer. Returns the connected peer instead when its id is connected, or
    /// gets connected while this dial is under way by the connection it made to this node (two nodes
    /// that dial each other at once keep one of the two connections, see <see cref="AdmitAsync"/>).
    /// Throws <see cref="HandshakeException"/>, <see cref="PeerRefusedException"/> or <see cref="SocketException"/>.
    /// </summary>
    public async Task<IPeer> DialAsync(PeerAddress address, CancellationToken ct)
    {
        if (address.Id is not { } id)
        {
            return await ConnectAsync(address, ct);
        }

        if (id == NodeId)
        {
            throw new PeerRefusedException(id, $"{address} is this node");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        while (true)
        {
            Task? busy;
            lock (_gate)
            {
                if (_peers.TryGetValue(id, out var existing))
                {
                    return existing;
                }

                if (Bans.BannedUntil(id) is { } until)
                {
                    throw new PeerRefusedException(id, $"peer {id} is banned until {until:u}");
                }

                busy = _pending.TryBeginDial(id);
            }

            if (busy is null)
            {
                break;
            }

            // Another dial to the peer, or the peer's own connection to this node, is on its way: one connection is enough.
            await busy.WaitAsync(linked.Token);
        }

        try
        {
            return await ConnectAsync(address, ct);
        }
        catch (Exception e) when (!linked.IsCancellationRequested)
        {
            // The dial lost to the peer's connection to this node (refused here or closed there): that one is the peer.
            if (await ConnectedFromAsync(id, linked.Token) is { } peer)
            {
                _logger.LogDebug("Dial to {NodeId} gave way to its connection to this node: {Reason}", id, e.Message);
                return peer;
            }

            throw;
        }
        finally
        {
            lock (_gate)
            {
                _pending.EndDial(id);
            }
        }
    }

    /// <summary>Hands a message to the channel's reactor; false when the reactor failed and the peer was dropped.</summary>
    internal bool Deliver(Peer peer, ChannelId channel, Envelope message)
    {
        var reactor = _reactorByChannel[(int)channel];
        if (reactor is null)
        {
            return true;
        }

        try
        {
            reactor.OnMessage(peer, channel, message);
            return true;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Reactor} failed on a {Kind} message from {NodeId}", reactor.GetType().Name, message.SumCase, peer.Id);
            peer.Disconnect($"{reactor.GetType().Name} failed on its message: {e.Message}");
            return false;
        }
    }

    internal void OnMisbehaved(Peer peer, string reason) => Ban(peer.Id, reason);

    internal void OnPeerClosed(Peer peer, string reason, bool announced)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(peer.Id, out var current) && ReferenceEquals(current, peer))
            {
                _peers.Remove(peer.Id);
            }
        }

        _logger.LogInformation("Peer {NodeId} ({Moniker}) disconnected: {Reason}", peer.Id, peer.Info.Moniker, reason);
        foreach (var reactor in announced ? _reactors : [])
        {
            try
            {
                reactor.OnPeerRemoved(peer);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "{Reactor} failed removing peer {NodeId}", reactor.GetType().Name, peer.Id);
            }
        }

        RaisePeerCountChanged();
    }

    /// <summary>Connects to <paramref name="address"/>, runs the handshake and admits the peer.</summary>
    private async Task<IPeer> ConnectAsync(PeerAddress address, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        linked.CancelAfter(_options.HandshakeTimeout);
        var ip = await HostAddresses.ResolveAsync(address.Endpoint.Host, linked.Token);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ip, address.Endpoint.Port), linked.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var remote = socket.RemoteEndPoint;
        var connection = await SecretConnection.HandshakeAsync(
            new NetworkStream(socket, ownsSocket: true), _nodeKey, _localInfo, address.Id, _options.HandshakeTimeout, linked.Token);
        return await AdmitAsync(connection, outbound: true, remote, linked.Token);
    }

    /// <summary>The peer <paramref name="id"/> once the inbound connections from it now being admitted are done; null when it is not connected.</summary>
    private async Task<IPeer?> ConnectedFromAsync(NodeId id, CancellationToken ct)
    {
        Task? inbound;
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var peer))
            {
                return peer;
            }

            inbound = _pending.InboundFrom(id);
        }

        if (inbound is null)
        {
            return null;
        }

        try
        {
            await inbound.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return TryGetPeer(id, out var admitted) ? admitted : null;
    }

    /// <summary>Why the switch refuses a peer now, or null when it takes it.</summary>
    private string? RefusalOf(NodeId id, NodeInfo info, bool outbound, out Peer? replaced)
    {
        replaced = null;
        if (id == NodeId)
        {
            return "it is this node (a connection to itself)";
        }

        if (info.ProtocolVersion != ProtocolVersion)
        {
            return $"peer {id} speaks protocol {info.ProtocolVersion}, this node {ProtocolVersion}";
        }

        if (info.ChainId != ChainId)
        {
            return $"peer {id} is on chain '{info.ChainId}', this node on '{ChainId}'";
        }

        if (Bans.BannedUntil(id) is { } until)
        {
            return $"peer {id} is banned until {until:u}";
        }

        if (_state != 1)
        {
            return "the switch is stopping";
        }

        if (_peers.TryGetValue(id, out var existing))
        {
            // Two connections with one node (see AdmitAsync): both keep the one dialed by the lower id.
            if (existing.IsOutbound == outbound || outbound != KeepsOutboundTo(id))
            {
                return $"peer {id} is already connected";
            }

            replaced = existing;
            return null;
        }

        if (!outbound && _peers.Count >= _options.MaxPeers)
        {
            return $"this node already has {_peers.Count} peers (p2p.max_peers)";
        }

        return null;
    }

    /// <summary>
    /// Admits an authenticated connection: opens its channels, adds the peer and announces it to the reactors.
    /// When two nodes dial each other at once, both keep the connection dialed by the node with the lower
    /// id, and settle it before either opens a channel: the lower node holds the inbound connection
    /// until its own dial has ended (then refuses it when that dial got through), and a node does not
    /// dial a peer whose connection to it is being admitted. So the connection that is dropped never
    /// becomes a peer on either side; replacing an admitted peer is left to dials that did not name an id.
    /// </summary>
    private async Task<IPeer> AdmitAsync(SecretConnection connection, bool outbound, EndPoint? remote, CancellationToken ct)
    {
        var id = connection.RemoteId;
        string? refusal;
        var admitting = false;
        while (true)
        {
            Task? ownDial = null;
            lock (_gate)
            {
                refusal = RefusalOf(id, connection.RemoteInfo, outbound, out _);
                if (refusal is null && !outbound)
                {
                    ownDial = KeepsOutboundTo(id) ? _pending.DialTo(id) : null;
                    if (ownDial is null)
                    {
                        _pending.BeginInbound(id);
                        admitting = true;
                    }
                }
            }

            if (ownDial is null)
            {
                break;
            }

            try
            {
                await ownDial.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        if (refusal is not null)
        {
            await connection.DisposeAsync();
            throw new PeerRefusedException(id, refusal);
        }

        try
        {
            return await OpenAndAddAsync(connection, outbound, remote, ct);
        }
        finally
        {
            if (admitting)
            {
                lock (_gate)
                {
                    _pending.EndInbound(id);
                }
            }
        }
    }

    /// <summary>
    /// Raises <see cref="PeerCountChanged"/> with the count as it is now, one raise at a time: a peer
    /// that leaves while another joins cannot leave a handler (the chain_p2p_peers gauge) with the
    /// count from before the last change.
    /// </summary>
    private void RaisePeerCountChanged()
    {
        lock (_countGate)
        {
            int count;
            lock (_gate)
            {
                count = _peers.Count;
            }

            PeerCountChanged?.Invoke(count);
        }
    }

    /// <summary>Whether, of two connections with <paramref name="id"/>, both nodes keep the one this node dialed.</summary>
    private bool KeepsOutboundTo(NodeId id) => NodeId.CompareTo(id) < 0;

    private async Task<IPeer> OpenAndAddAsync(SecretConnection connection, bool outbound, EndPoint? remote, CancellationToken ct)
    {
        var id = connection.RemoteId;
        var peer = await Peer.OpenAsync(connection, outbound, remote, _channels, _options.SendQueueSize, _options.SendQueueMaxBytes, _options.IdleTimeout, this, ct);
        Peer? replaced;
        string? refusal;
        lock (_gate)
        {
            refusal = RefusalOf(id, connection.RemoteInfo, outbound, out replaced);
            if (refusal is null)
            {
                _peers[id] = peer;
            }
        }

        if (refusal is not null)
        {
            await peer.CloseUnstartedAsync();
            throw new PeerRefusedException(id, refusal);
        }

        if (replaced is not null)
        {
            replaced.Disconnect("replaced by the connection in the other direction");
            await replaced.Completion;
        }

        _logger.LogInformation(
            "Peer {NodeId} ({Moniker}) connected, {Direction} {Remote}",
            id, connection.RemoteInfo.Moniker, outbound ? "dialed at" : "from", remote);
        var announced = peer.TryAnnounce(() =>
        {
            foreach (var reactor in _reactors)
            {
                try
                {
                    reactor.OnPeerAdded(peer);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "{Reactor} failed adding peer {NodeId}", reactor.GetType().Name, id);
                }
            }
        });
        if (announced)
        {
            peer.Start();
        }

        RaisePeerCountChanged();
        return peer;
    }
}
