using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Transport;
using Chain.Proto.P2p;
using Google.Protobuf;
using Nerdbank.Streams;

namespace Chain.Node.P2p.Peers;

/// <summary>
/// One connected peer: a secret connection, a multiplexed stream over it, and per channel a bounded
/// send queue drained by a send loop and a receive loop that checks every message before delivery.
/// </summary>
internal sealed class Peer : IPeer
{
    private const int FlushThreshold = 1024 * 1024;

    private readonly SecretConnection _connection;
    private readonly MultiplexingStream _mux;
    private readonly OpenChannel?[] _channels;
    private readonly PeerSwitch _switch;
    private readonly SendBudget _queuedBytes;
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _loops = [];
    private readonly Lock _announcement = new();
    private bool _announced;
    private int _closing;

    public Peer(
        SecretConnection connection,
        MultiplexingStream mux,
        IReadOnlyList<(ChannelDescriptor Descriptor, MultiplexingStream.Channel Stream)> channels,
        bool isOutbound,
        EndPoint? remoteEndPoint,
        int sendQueueSize,
        long sendQueueMaxBytes,
        TimeSpan idleTimeout,
        PeerSwitch owner)
    {
        _connection = connection;
        _idleTimeout = idleTimeout;
        _queuedBytes = new SendBudget(sendQueueMaxBytes);
        _mux = mux;
        _switch = owner;
        IsOutbound = isOutbound;
        RemoteEndPoint = remoteEndPoint;
        _channels = new OpenChannel?[Enum.GetValues<ChannelId>().Max(c => (int)c) + 1];
        foreach (var (descriptor, stream) in channels)
        {
            _channels[(int)descriptor.Id] = new OpenChannel(
                descriptor,
                stream,
                Channel.CreateBounded<byte[]>(new BoundedChannelOptions(sendQueueSize)
                {
                    SingleReader = true,
                    FullMode = BoundedChannelFullMode.Wait,
                }));
        }
    }

    /// <summary>
    /// Opens the multiplexed stream over an authenticated connection and its channels: the dialing side offers each
    /// channel once, the other accepts them; any other offer bans the peer. The peer is not started; closes the
    /// connection and throws <see cref="HandshakeException"/> when the channels do not open.
    /// </summary>
    public static async Task<Peer> OpenAsync(
        SecretConnection connection,
        bool outbound,
        EndPoint? remote,
        IReadOnlyList<ChannelDescriptor> channels,
        int sendQueueSize,
        long sendQueueMaxBytes,
        TimeSpan idleTimeout,
        PeerSwitch owner,
        CancellationToken ct)
    {
        var id = connection.RemoteId;
        var mux = MultiplexingStream.Create(connection, new MultiplexingStream.Options
        {
            ProtocolMajorVersion = 3,
            TraceSource = new TraceSource("chain-p2p", SourceLevels.Off),
        });

        // The dialing side offers the channels, once each; any other offer is abuse.
        var offers = 0;
        var allowedOffers = outbound ? 0 : channels.Count;
        mux.ChannelOffered += (_, offer) =>
        {
            if (Interlocked.Increment(ref offers) > allowedOffers)
            {
                owner.Ban(id, $"offered channel '{offer.Name}' beyond the protocol's {channels.Count}");
                _ = mux.DisposeAsync().AsTask();
            }
        };
        try
        {
            var opened = await Task.WhenAll(channels.Select(c => outbound
                ? mux.OfferChannelAsync(c.Name, ct)
                : mux.AcceptChannelAsync(c.Name, ct)));
            return new Peer(connection, mux, [.. channels.Zip(opened)], outbound, remote, sendQueueSize, sendQueueMaxBytes, idleTimeout, owner);
        }
        catch (Exception e)
        {
            await mux.DisposeAsync();
            await connection.DisposeAsync();
            throw new HandshakeException($"peer {id} closed the connection before its channels opened ({e.GetBaseException().Message})", id, e);
        }
    }

    /// <summary>Closes a peer that was opened but never added or started (the switch refused it).</summary>
    public async Task CloseUnstartedAsync()
    {
        await _mux.DisposeAsync();
        await _connection.DisposeAsync();
    }

    public NodeId Id => _connection.RemoteId;

    public NodeInfo Info => _connection.RemoteInfo;

    public bool IsOutbound { get; }

    public EndPoint? RemoteEndPoint { get; }

    public Task Completion => _completion.Task;

    /// <summary>Why the connection closed, once it did.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>
    /// Runs <paramref name="announce"/> (the reactors' OnPeerAdded) unless the peer is already closing;
    /// a peer that was announced is announced removed only after, so reactors never see the two reversed.
    /// </summary>
    public bool TryAnnounce(Action announce)
    {
        lock (_announcement)
        {
            if (_closing != 0)
            {
                return false;
            }

            announce();
            _announced = true;
            return true;
        }
    }

    public void Start()
    {
        lock (_loops)
        {
            foreach (var channel in _channels)
            {
                if (channel is not null)
                {
                    _loops.Add(Task.Run(() => ReceiveLoopAsync(channel)));
                    _loops.Add(Task.Run(() => SendLoopAsync(channel)));
                }
            }

            _loops.Add(Task.Run(KeepAliveAsync));
        }

        _ = _mux.Completion.ContinueWith(
            t =>
            {
                var fault = t.Exception?.GetBaseException();
                Disconnect(fault is null ? "the connection closed" : $"the connection failed: {fault.Message}");
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public bool TrySend(ChannelId channel, Envelope message) => TrySendEncoded(channel, DelimitedMessage.Encode(message));

    public bool TrySend(ChannelId channel, SharedMessage message) => TrySendEncoded(channel, message.Delimited);

    public async ValueTask<bool> SendAsync(ChannelId channel, Envelope message, CancellationToken ct)
    {
        var open = Find(channel);
        var bytes = DelimitedMessage.Encode(message);
        if (open is null || _closing != 0 || !FitsIn(open, bytes) || !TakeBudget(bytes.Length))
        {
            return false;
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cts.Token);
            await open.Queue.Writer.WriteAsync(bytes, linked.Token);
            return true;
        }
        catch (Exception e) when (e is ChannelClosedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            ReturnBudget(bytes.Length);
            return false;
        }
        catch
        {
            ReturnBudget(bytes.Length);
            throw;
        }
    }

    /// <summary>
    /// Queues an already length-delimited message (shared by a broadcast); false, and the message dropped, when the
    /// channel's queue is full in messages or the peer's or all peers' queues are full in bytes.
    /// </summary>
    public bool TrySendEncoded(ChannelId channel, byte[] delimited)
    {
        var open = Find(channel);
        if (open is null || _closing != 0 || !FitsIn(open, delimited) || !TakeBudget(delimited.Length))
        {
            return false;
        }

        if (open.Queue.Writer.TryWrite(delimited))
        {
            return true;
        }

        ReturnBudget(delimited.Length);
        return false;
    }

    /// <summary>Bytes queued to this peer and not yet handed to the connection.</summary>
    public long QueuedBytes => _queuedBytes.Used;

    private bool TakeBudget(int bytes)
    {
        if (!_queuedBytes.TryTake(bytes))
        {
            return false;
        }

        if (_switch.QueuedSendBytes.TryTake(bytes))
        {
            return true;
        }

        _queuedBytes.Return(bytes);
        return false;
    }

    private void ReturnBudget(int bytes)
    {
        _queuedBytes.Return(bytes);
        _switch.QueuedSendBytes.Return(bytes);
    }

    public void Disconnect(string reason, bool ban = false)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        _ = Task.Run(() => CloseAsync(reason, ban));
    }

    /// <summary>
    /// Whether the multiplexer failed decoding what the peer sent inside authenticated frames (its
    /// own protocol error or its MessagePack decoder's), which is garbage; socket failures and
    /// closes are not.
    /// </summary>
    private static bool IsProtocolError(Exception? fault) =>
        fault is MultiplexingProtocolException
        || fault?.GetType().FullName == "MessagePack.MessagePackSerializationException"; // internal to Nerdbank.Streams

    private async Task CloseAsync(string reason, bool ban)
    {
        _cts.Cancel();
        foreach (var channel in _channels)
        {
            channel?.Queue.Writer.TryComplete();
        }

        // The socket first: a write stuck on a peer that stopped reading then fails instead of holding up the rest.
        try
        {
            await _connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing a connection that already failed.
        }

        try
        {
            await _mux.DisposeAsync();
        }
        catch (Exception)
        {
            // As above.
        }

        try
        {
            await _mux.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (!ban && IsProtocolError(e.GetBaseException()))
        {
            ban = true;
            reason = $"broke the multiplexing protocol: {e.GetBaseException().Message}";
            CloseReason = reason;
        }
        catch (Exception)
        {
            // A socket failure or the wait ran out: closed without a ban.
        }

        if (ban)
        {
            _switch.OnMisbehaved(this, reason);
        }

        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }

        try
        {
            await Task.WhenAll(loops);
        }
        catch (Exception)
        {
            // Each loop reports its own failure through Disconnect.
        }

        // What was never sent no longer counts against the switch's total.
        foreach (var channel in _channels)
        {
            while (channel is not null && channel.Queue.Reader.TryRead(out var unsent))
            {
                ReturnBudget(unsent.Length);
            }
        }
        bool announced;
        lock (_announcement)
        {
            announced = _announced;
        }

        _switch.OnPeerClosed(this, reason, announced);
        _completion.TrySetResult();
    }

    /// <summary>
    /// A channel ends or fails when the multiplexer does; let the multiplexer finish first (briefly),
    /// so the close sees its fault and bans a peer that broke the protocol.
    /// </summary>
    private async Task DisconnectAfterMultiplexerAsync(string reason)
    {
        try
        {
            await _mux.Completion.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
            // Faulted (seen again by CloseAsync) or still running: close either way.
        }

        Disconnect(reason);
    }

    private OpenChannel? Find(ChannelId id) => (int)id < _channels.Length ? _channels[(int)id] : null;

    private static bool FitsIn(OpenChannel channel, byte[] delimited) =>
        DelimitedMessage.TryReadLength(new ReadOnlySequence<byte>(delimited), out var length, out _) == true
        && length <= channel.Descriptor.MaxMessageBytes;

    private async Task ReceiveLoopAsync(OpenChannel channel)
    {
        var descriptor = channel.Descriptor;
        var ct = _cts.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (status, bytes, length) = await DelimitedMessage.ReadAsync(channel.Stream.Input, descriptor.MaxMessageBytes, ct, ArrayPool<byte>.Shared);
                switch (status)
                {
                    case DelimitedReadStatus.End:
                        await DisconnectAfterMultiplexerAsync($"the peer closed channel {descriptor.Name}");
                        return;
                    case DelimitedReadStatus.Oversized:
                        Disconnect($"sent a {length}-byte message on channel {descriptor.Name}, above its limit of {descriptor.MaxMessageBytes} bytes", ban: true);
                        return;
                    case DelimitedReadStatus.Malformed:
                        Disconnect($"sent a malformed length prefix or a cut message on channel {descriptor.Name}", ban: true);
                        return;
                }

                Envelope envelope;
                try
                {
                    // The parsed message copies what it keeps (protobuf's bytes fields), so the array goes back at once.
                    envelope = Envelope.Parser.ParseFrom(new ReadOnlySpan<byte>(bytes, 0, length));
                }
                catch (InvalidProtocolBufferException e)
                {
                    Disconnect($"sent a message on channel {descriptor.Name} that does not parse: {e.Message}", ban: true);
                    return;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                }

                if (!descriptor.Accepts.Contains(envelope.SumCase))
                {
                    Disconnect(
                        envelope.SumCase == Envelope.SumOneofCase.None
                            ? $"sent an empty envelope on channel {descriptor.Name}"
                            : $"sent a {envelope.SumCase} message on channel {descriptor.Name}, which does not carry it",
                        ban: true);
                    return;
                }

                if (!_switch.Deliver(this, descriptor.Id, envelope))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            await DisconnectAfterMultiplexerAsync($"channel {descriptor.Name} failed: {e.Message}");
        }
    }

    /// <summary>
    /// Pings the peer every third of p2p.idle_timeout, and drops it when nothing at all (not even a ping) came from
    /// it for p2p.idle_timeout: an idle socket does not hold an inbound slot for good.
    /// </summary>
    private async Task KeepAliveAsync()
    {
        var ct = _cts.Token;
        var interval = _idleTimeout / 3;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(interval, ct);
                var silent = Environment.TickCount64 - _connection.LastReceivedTicks;
                if (silent > (long)_idleTimeout.TotalMilliseconds)
                {
                    Disconnect($"sent nothing for {silent / 1000.0:0.#} s (p2p.idle_timeout is {_idleTimeout.TotalSeconds:0.#} s)");
                    return;
                }

                await _connection.PingAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Disconnect($"pinging the peer failed: {e.Message}");
        }
    }

    private async Task SendLoopAsync(OpenChannel channel)
    {
        var ct = _cts.Token;
        var reader = channel.Queue.Reader;
        var output = channel.Stream.Output;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                var pending = 0;
                while (pending < FlushThreshold && reader.TryRead(out var bytes))
                {
                    ReturnBudget(bytes.Length);
                    output.Write(bytes);
                    pending += bytes.Length;
                }

                var flush = await output.FlushAsync(ct);
                if (flush.IsCompleted)
                {
                    Disconnect($"the peer stopped reading channel {channel.Descriptor.Name}");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            await DisconnectAfterMultiplexerAsync($"sending on channel {channel.Descriptor.Name} failed: {e.Message}");
        }
    }

    private sealed record OpenChannel(ChannelDescriptor Descriptor, MultiplexingStream.Channel Stream, Channel<byte[]> Queue);
}
