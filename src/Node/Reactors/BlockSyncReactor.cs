using System.Collections.Concurrent;
using Chain.Node.P2p.Channels;
using Chain.Node.P2p.Identity;
using Chain.Node.P2p.Peers;
using Chain.Node.Production;
using Chain.Proto.P2p;
using Chain.State.Execution;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Reactors;

/// <summary>
/// Block sync over the blocks channel. Nodes tell each other the heights they hold every
/// <see cref="StatusInterval"/>. A node that is behind (two or more blocks, or one block for longer than
/// <see cref="LagGrace"/>, which consensus alone did not close) asks a peer that has it for the next block, one
/// at a time; the consensus loop checks it as a proposal, verifies its commit against the validators of its
/// height, applies it and restarts consensus at the height after. A peer that sends a block that fails those
/// checks is banned. A claimed height is only the peer's word: sync asks the peer with the highest claim, and a peer
/// that then answers it has no such block is banned, one that does not answer within <see cref="RequestTimeout"/> is
/// dropped, and either way its claim is forgotten, so the next peer is asked. A claim is never a loop bound or a size.
/// It also keeps the progress that status, health and metrics report (<see cref="Progress"/>): the highest height
/// peers claim, the recent rate of applied blocks, and when the node's height last moved; while syncing it logs a
/// progress line at most every <see cref="ProgressLogInterval"/>.
/// </summary>
public sealed class BlockSyncReactor(
    ConsensusInbox inbox,
    IPeerSet peers,
    BlockExecutor executor,
    ILogger<BlockSyncReactor> logger,
    TimeProvider? time = null,
    NodeMetrics? metrics = null,
    BlockSyncHold? hold = null)
    : BackgroundService, IReactor
{
    public static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan LagGrace = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Block requests answered per peer in one second (each a store read); more in that second are dropped unanswered.
    /// Sync asks one block at a time, so an honest peer asks this fast only when it applies 100 blocks a second.
    /// </summary>
    public const int MaxBlockRequestsPerSecond = 100;

    /// <summary>A peer that sends more than this many times <see cref="MaxBlockRequestsPerSecond"/> in one second is banned.</summary>
    public const int BlockRequestBanFactor = 10;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<NodeId, RequestWindow> _requestWindows = new();
    private int _answered;
    private int _dropped;

    private readonly ConcurrentDictionary<NodeId, ulong> _heights = new();
    private readonly Lock _lock = new();
    private (ulong Height, NodeId Peer, long At)? _inFlight;
    private long _oneBehindSince;
    private int _applied;
    private readonly SyncProgress _progress = new();
    private long _lastProgressLogMs = long.MinValue / 2; // far enough back that the first applied block logs, without overflow
    private ulong _lastHeightSeen = executor.LastHeight;
    private long _lastHeightChangeMs = Environment.TickCount64;
    private bool _waitingForHold;
    private bool _trackingMetrics;

    public IReadOnlyCollection<ChannelId> Channels { get; } = [ChannelId.Blocks];

    /// <summary>Blocks applied by sync since the node started.</summary>
    public int Applied => _applied;

    /// <summary>Where sync stands now.</summary>
    public SyncStatus Progress()
    {
        ulong ours = executor.LastHeight;
        ulong target = TargetHeight();
        bool inFlight;
        lock (_lock)
        {
            inFlight = _inFlight is { } f && f.Height > ours;
        }

        bool catchingUp = target > ours + 1 || inFlight;
        double rate = _progress.BlocksPerSecond(Environment.TickCount64);
        double left = catchingUp && rate > 0 && target > ours ? (target - ours) / rate : 0;
        return new SyncStatus(catchingUp, ours, Math.Max(target, ours), rate, left);
    }

    /// <summary>How long ago this node's height last moved (or the node started), by the process's monotonic clock.</summary>
    public TimeSpan SinceLastCommit()
    {
        NoteHeight();
        return TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastHeightChangeMs));
    }

    private ulong TargetHeight()
    {
        ulong target = 0;
        foreach ((NodeId _, ulong height) in _heights)
        {
            target = Math.Max(target, height);
        }

        return target;
    }

    /// <summary>Notes when the committed height moves (by consensus or sync).</summary>
    private void NoteHeight()
    {
        ulong height = executor.LastHeight;
        lock (_lock)
        {
            if (height != _lastHeightSeen)
            {
                _lastHeightSeen = height;
                Interlocked.Exchange(ref _lastHeightChangeMs, Environment.TickCount64);
            }
        }
    }

    /// <summary>Block requests of peers answered (a block or "no block") since the node started.</summary>
    public int BlockRequestsAnswered => _answered;

    /// <summary>Block requests of peers dropped unanswered, beyond <see cref="MaxBlockRequestsPerSecond"/>.</summary>
    public int BlockRequestsDropped => _dropped;

    public void OnPeerAdded(IPeer peer)
    {
        peer.TrySend(ChannelId.Blocks, Status());
        peer.TrySend(ChannelId.Blocks, new Envelope { StatusRequest = new StatusRequest() });
    }

    public void OnPeerRemoved(IPeer peer)
    {
        _heights.TryRemove(peer.Id, out _);
        _requestWindows.TryRemove(peer.Id, out _);
    }

    public void OnMessage(IPeer peer, ChannelId channel, Envelope message)
    {
        switch (message.SumCase)
        {
            case Envelope.SumOneofCase.StatusRequest:
                peer.TrySend(ChannelId.Blocks, Status());
                break;
            case Envelope.SumOneofCase.StatusResponse:
                StatusResponse status = message.StatusResponse;
                if (status.Base > status.Height)
                {
                    peer.Disconnect($"said it holds blocks {status.Base} to {status.Height}", ban: true);
                    return;
                }

                _heights[peer.Id] = status.Height;
                RequestNext();
                break;
            case Envelope.SumOneofCase.BlockRequest:
                int count = CountRequest(peer.Id);
                if (count <= MaxBlockRequestsPerSecond)
                {
                    Answer(peer, message.BlockRequest.Height);
                    break;
                }

                Interlocked.Increment(ref _dropped);
                if (count > MaxBlockRequestsPerSecond * BlockRequestBanFactor)
                {
                    peer.Disconnect($"asked for more than {MaxBlockRequestsPerSecond * BlockRequestBanFactor} blocks in one second", ban: true);
                }

                break;
            case Envelope.SumOneofCase.BlockResponse:
                OnBlock(peer, message.BlockResponse);
                break;
            case Envelope.SumOneofCase.NoBlockResponse:
                bool lied;
                lock (_lock)
                {
                    // Heights are never pruned here, so a peer that claimed a height has every block up to it.
                    lied = _inFlight is { } f && f.Peer == peer.Id && f.Height == message.NoBlockResponse.Height;
                    if (lied)
                    {
                        _inFlight = null;
                        _heights.TryRemove(peer.Id, out _);
                    }
                }

                if (lied)
                {
                    peer.Disconnect($"claimed to hold block {message.NoBlockResponse.Height} and then said it has none", ban: true);
                    RequestNext();
                }

                break;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (metrics is not null && !_trackingMetrics)
        {
            _trackingMetrics = true;
            metrics.TrackSync(Progress);
        }

        using var timer = new PeriodicTimer(StatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                NoteHeight();
                peers.Broadcast(ChannelId.Blocks, Status());
                RequestNext();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Envelope Status()
    {
        ulong height = executor.LastHeight;
        return new Envelope { StatusResponse = new StatusResponse { Base = height == 0 ? 0UL : 1UL, Height = height } };
    }

    /// <summary>Counts a block request of <paramref name="peer"/>; how many it sent in the current one-second window, this one included.</summary>
    private int CountRequest(NodeId peer)
    {
        var now = _time.GetUtcNow();
        var window = _requestWindows.GetOrAdd(peer, _ => new RequestWindow { Start = now });
        lock (window)
        {
            if (now - window.Start >= TimeSpan.FromSeconds(1) || now < window.Start)
            {
                window.Start = now;
                window.Count = 0;
            }

            if (window.Count <= MaxBlockRequestsPerSecond * BlockRequestBanFactor)
            {
                window.Count++;
            }

            return window.Count;
        }
    }

    private void Answer(IPeer peer, ulong height)
    {
        Interlocked.Increment(ref _answered);
        var block = height >= 1 && height <= executor.LastHeight ? executor.Blocks.GetBlock(height) : null;
        var commit = block is null ? null : executor.Blocks.GetSeenCommit(height);
        peer.TrySend(ChannelId.Blocks, block is null || commit is null
            ? new Envelope { NoBlockResponse = new NoBlockResponse { Height = height } }
            : new Envelope { BlockResponse = new BlockResponse { Block = block, Commit = commit } });
    }

    /// <summary>Asks a peer for the next block when this node is behind and nothing is in flight.</summary>
    private void RequestNext()
    {
        ulong ours = executor.LastHeight;
        long now = Environment.TickCount64;
        IPeer? silent = null;
        ulong silentHeight = 0;
        lock (_lock)
        {
            if (_waitingForHold)
            {
                return; // the block arrived and waits for the test hold: the peer delivered
            }

            if (_inFlight is { } f && f.Height > ours)
            {
                if (now - f.At < (long)RequestTimeout.TotalMilliseconds)
                {
                    return;
                }

                // It claimed the height and did not deliver: forget the claim and drop the peer.
                _heights.TryRemove(f.Peer, out _);
                silentHeight = f.Height;
                if (peers.TryGetPeer(f.Peer, out IPeer p))
                {
                    silent = p;
                }
            }

            _inFlight = null;
        }

        silent?.Disconnect($"did not deliver block {silentHeight}, which its status claimed, within {RequestTimeout.TotalSeconds:0} s");
        while (!TryRequestFromBest(ours, now))
        {
        }
    }

    /// <summary>One try at asking the peer with the highest claim; false when that peer is gone (its claim is then dropped, try again).</summary>
    private bool TryRequestFromBest(ulong ours, long now)
    {
        NodeId? best = null;
        ulong bestHeight = ours;
        foreach ((NodeId id, ulong height) in _heights)
        {
            if (height > bestHeight)
            {
                best = id;
                bestHeight = height;
            }
        }

        lock (_lock)
        {
            if (_inFlight is not null)
            {
                return true;
            }

            if (best is null)
            {
                _oneBehindSince = 0;
                return true;
            }

            if (bestHeight == ours + 1)
            {
                // Consensus usually closes a gap of one block by itself; sync only if it does not.
                if (_oneBehindSince == 0)
                {
                    _oneBehindSince = now;
                }

                if (now - _oneBehindSince < (long)LagGrace.TotalMilliseconds)
                {
                    return true;
                }
            }

            if (!peers.TryGetPeer(best.Value, out IPeer peer))
            {
                // A claim left by a peer that is gone would hold sync on it for good.
                _heights.TryRemove(best.Value, out _);
                return false;
            }

            _inFlight = (ours + 1, best.Value, now);
            peer.TrySend(ChannelId.Blocks, new Envelope { BlockRequest = new BlockRequest { Height = ours + 1 } });
            return true;
        }
    }

    private void OnBlock(IPeer peer, BlockResponse response)
    {
        ulong height = response.Block?.Header?.Height ?? 0;
        lock (_lock)
        {
            if (_inFlight is not { } f || f.Peer != peer.Id || f.Height != height)
            {
                return; // late or unasked for: ignore
            }
        }

        if (response.Commit is null)
        {
            peer.Disconnect("sent a block without its commit", ban: true);
            return;
        }

        if (hold is { Released.IsCompleted: false })
        {
            lock (_lock)
            {
                _waitingForHold = true;
            }

            hold.Released.ContinueWith(_ => Apply(peer, response, height), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        Apply(peer, response, height);
    }

    private void Apply(IPeer peer, BlockResponse response, ulong height)
    {
        inbox.Post(loop =>
        {
            SyncedBlockResult result = loop.ApplySyncedBlock(response.Block!, response.Commit);
            lock (_lock)
            {
                _inFlight = null;
                _oneBehindSince = 0;
                _waitingForHold = false;
            }

            switch (result.Outcome)
            {
                case SyncedBlockOutcome.Applied:
                    Interlocked.Increment(ref _applied);
                    _progress.OnApplied(height, Environment.TickCount64);
                    NoteHeight();
                    LogProgress(height, peer);
                    RequestNext();
                    break;
                case SyncedBlockOutcome.Refused:
                    logger.LogWarning("Peer {Peer} sent block {Height} that fails the checks: {Reason}", peer.Id, height, result.Reason);
                    peer.Disconnect($"sent block {height} that fails the checks", ban: true);
                    break;
            }
        });
    }

    /// <summary>One progress line at most every <see cref="ProgressLogInterval"/>; each block at Debug.</summary>
    private void LogProgress(ulong height, IPeer peer)
    {
        logger.LogDebug("Block sync applied block {Height} from peer {Peer}", height, peer.Id);
        long now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastProgressLogMs) < (long)ProgressLogInterval.TotalMilliseconds)
        {
            return;
        }

        Interlocked.Exchange(ref _lastProgressLogMs, now);
        var progress = Progress();
        logger.LogInformation(
            "Block sync: height {Height} of {TargetHeight} ({Percent:0.0}%), {BlocksPerSecond:0.0} blocks/s, about {SecondsLeft:0} s left",
            height,
            progress.TargetHeight,
            progress.TargetHeight == 0 ? 100.0 : 100.0 * height / progress.TargetHeight,
            progress.BlocksPerSecond,
            progress.SecondsLeft);
    }

    /// <summary>A peer's block requests in the one-second window that began at <see cref="Start"/>.</summary>
    private sealed class RequestWindow
    {
        public DateTimeOffset Start { get; set; }

        public int Count { get; set; }
    }
}
