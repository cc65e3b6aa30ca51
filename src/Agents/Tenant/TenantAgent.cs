using System.Threading.Channels;
using Chain.Modules.Market.Events;
using Chain.Modules.Work.Events;
using Chain.Proto.Market;
using Chain.Proto.NodeService;
using Grpc.Core;

namespace Chain.Agents.Tenant;

/// <summary>
/// The tenant agent (`chaind tenant run`): keeps the configured leases running within a budget. Each step reads the
/// tenant's orders, leases and escrow accounts from the chain and acts on what it finds: posts an order for a kind of
/// lease that is short (one open order per kind; the market's auction picks the cheapest bid when the window closes),
/// tops up every active lease whose escrow is about to run out, and with tenant data sets it on leases and checks
/// receipts. Nothing the chain says is kept between steps, so a restart misses nothing and repeats nothing. A step runs
/// on every poll and whenever the node's event stream reports a market or work event. Refused txs and a lost node
/// are logged; the loop goes on.
/// </summary>
public sealed class TenantAgent
{
    /// <summary>Events after which a step may have something to do (others, and the passing of blocks, wait for the poll).</summary>
    public static readonly IReadOnlyList<string> WakeEvents =
    [
        MarketEvents.OrderClosed, MarketEvents.LeaseCreated, MarketEvents.LeaseClosed, MarketEvents.EscrowSettled, MarketEvents.EscrowClosed,
        WorkEvents.RoundOpened, WorkEvents.ReceiptSubmitted, WorkEvents.TilesOpened, WorkEvents.Failure,
    ];

    private readonly TenantConfig _config;
    private readonly AgentChain _chain;
    private readonly AgentLog _log;
    private readonly OnceLog _once;
    private readonly TenantTxSender _sender;
    private readonly TenantDataChecks? _data;
    private readonly Dictionary<ulong, EscrowAccount> _closedEscrows = new();
    private readonly HashSet<ulong> _active = new();
    private bool _first = true;

    public TenantAgent(TenantConfig config, AgentChain chain, AgentLog log, TenantMetrics metrics)
    {
        _config = config;
        _chain = chain;
        _log = log;
        Metrics = metrics;
        _once = new OnceLog(log);
        _sender = new TenantTxSender(chain, log, metrics);
        _data = config.TenantData is null ? null : new TenantDataChecks(config.TenantData, chain, log, _once, metrics, _sender);
        metrics.Budget.Set(config.Budget);
    }

    public TenantMetrics Metrics { get; }

    /// <summary>Steps until <paramref name="ct"/> is cancelled: on every poll_interval and on every wake event.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _log.Info($"tenant {_chain.Address} on {_config.Agent.Node}: {string.Join(", ", _config.Orders.Select(o => $"{o.Leases} x {o.Name}"))}; budget {_config.Budget}uchn, "
            + $"top-up {_config.TopUp}uchn below {_config.RunwayBlocks} blocks of runway; tenant data {(_config.TenantData is null ? "none" : _config.TenantData.A + ", " + _config.TenantData.B)}");
        var wake = new ChainWakeup(_chain.Channel, _log, _config.Agent.PollInterval, WakeEvents);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var listener = Task.Run(() => wake.FollowAsync(stop.Token), CancellationToken.None);
        var failing = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await StepAsync(ct);
                    if (failing)
                    {
                        _log.Info("the node answers again");
                        failing = false;
                    }
                }
                catch (Exception e) when (ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    // Stopping: whatever the step hit once the stop came (its call cancelled, or refused by a node that
                    // is down at that moment) ends the run as a stop, not an error.
                    break;
                }
                catch (RpcException e) when (!ct.IsCancellationRequested)
                {
                    Metrics.StepErrors.Inc();
                    if (!failing)
                    {
                        _log.Warn($"the node at {_config.Agent.Node} did not answer ({e.StatusCode}: {e.Status.Detail}); trying again every {_config.Agent.PollInterval.TotalSeconds:0.###} s");
                    }

                    failing = true;
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    // A step is idempotent: whatever stopped this one, the next one starts again from the chain.
                    Metrics.StepErrors.Inc();
                    _log.Error($"step failed: {e.GetType().Name}: {e.Message}");
                }

                try
                {
                    await wake.WaitAsync(_config.Agent.PollInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await listener;
            _log.Info("stopped");
        }
    }

    /// <summary>
    /// One pass over the chain: orders, top-ups, tenant data; every tx it sends is committed when it returns. Throws when
    /// the node cannot be reached. Not to be called while <see cref="RunAsync"/> runs (the two would sign with the same
    /// sequence).
    /// </summary>
    public async Task StepAsync(CancellationToken ct)
    {
        var view = await TenantView.ReadAsync(_chain.Channel, _chain.Address, _closedEscrows, ct);
        Follow(view);
        var spent = view.Spent;
        spent = await KeepOrdersAsync(view, spent, ct);
        await TopUpAsync(view, spent, ct);
        if (_data is not null)
        {
            await _data.StepAsync(view, ct);
        }
    }

    /// <summary>Logs leases that formed or closed since the last step, and sets the gauges.</summary>
    private void Follow(TenantView view)
    {
        foreach (var lease in view.ActiveLeases)
        {
            if (_active.Add(lease.Id))
            {
                Metrics.LeasesFormed.Inc();
                _log.Info($"lease {lease.Id} {(_first ? "is active" : "formed")}: provider {lease.Provider}, {lease.PricePerBlock}uchn/block since height {lease.CreatedHeight} (order {lease.OrderId}, bid {lease.BidId})");
            }
        }

        foreach (var lease in view.Leases)
        {
            if (lease.State == LeaseState.Active || !_active.Remove(lease.Id))
            {
                continue;
            }

            var escrow = view.Escrows.GetValueOrDefault(lease.Id);
            _log.Warn($"lease {lease.Id} closed at height {lease.ClosedHeight}: {Chain.Client.Cli.ProtoEnumText.Name(lease.CloseReason)}; provider {lease.Provider}"
                + (escrow is null ? string.Empty : $"; escrow paid {escrow.Payable + escrow.PaidOut}uchn, refunded {escrow.Refunded}uchn"));
        }

        _first = false;
        Metrics.ActiveLeases.Set(_active.Count);
        Metrics.Spent.Set(view.Spent);
    }

    /// <summary>Posts an order for each kind short of leases that has no open order, within the budget; what is spent after.</summary>
    private async Task<ulong> KeepOrdersAsync(TenantView view, ulong spent, CancellationToken ct)
    {
        foreach (var kind in _config.Orders)
        {
            var leases = view.ActiveLeases.Count(l => view.Order(l.OrderId) is { } o && kind.Matches(o));
            var open = view.OpenOrders.Where(kind.Matches).ToList();
            var topic = "order " + kind.Index;
            if (leases >= kind.Leases || open.Count > 0)
            {
                _once.Clear(topic);
                continue;
            }

            if (spent + kind.Deposit > _config.Budget)
            {
                _once.Warn(topic, $"order {kind.Name}: {leases} of {kind.Leases} leases active, but its deposit {kind.Deposit}uchn would take the escrow past the budget "
                    + $"({spent}uchn of {_config.Budget}uchn used): no order posted; raise budget or close leases");
                continue;
            }

            _once.Clear(topic);
            var action = $"order {kind.Name}";
            if (await _sender.SendAsync(action, kind.Message(_chain.Address), view.Height, ct,
                $" ({leases} of {kind.Leases} leases active; max {kind.MaxPrice}uchn/block, deposit {kind.Deposit}uchn, bids for {kind.BiddingWindow} blocks)"))
            {
                Metrics.OrdersPosted.Inc();
                spent += kind.Deposit;
            }
        }

        return spent;
    }

    /// <summary>Tops up every active lease that would run out within runway_blocks, within the budget.</summary>
    private async Task TopUpAsync(TenantView view, ulong spent, CancellationToken ct)
    {
        var runways = new Dictionary<ulong, ulong>();
        foreach (var lease in view.ActiveLeases)
        {
            if (!view.Escrows.TryGetValue(lease.Id, out var escrow) || escrow.State != EscrowState.Open)
            {
                continue;
            }

            var runway = TenantView.RunwayBlocks(escrow, view.Height);
            runways[lease.Id] = runway;
            if (runway >= _config.RunwayBlocks)
            {
                continue;
            }

            var left = _config.Budget > spent ? _config.Budget - spent : 0;
            var amount = Math.Min(_config.TopUp, left);
            if (amount == 0)
            {
                _once.Warn("budget", $"budget exhausted ({spent}uchn of {_config.Budget}uchn used): lease {lease.Id} is not topped up and runs out in {runway} blocks");
                continue;
            }

            var message = new MsgDepositEscrow { Tenant = _chain.Address, EscrowId = lease.Id, Amount = amount };
            if (await _sender.SendAsync($"top up lease {lease.Id}", message, view.Height, ct, $" with {amount}uchn ({runway} blocks of runway left at {escrow.Rate}uchn/block)"))
            {
                spent += amount;
                Metrics.TopUps.Inc();
                Metrics.ToppedUp.Inc(amount);
                runways[lease.Id] = runway + (amount / escrow.Rate);
                if (spent >= _config.Budget)
                {
                    _once.Warn("budget", $"budget exhausted ({spent}uchn of {_config.Budget}uchn used): no more top-ups or orders");
                }
            }
        }

        Metrics.SetRunways(runways);
        Metrics.Spent.Set(spent);
    }
}
