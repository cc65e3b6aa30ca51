using Prometheus;

namespace Chain.Agents.Tenant;

/// <summary>The tenant agent's Prometheus metrics, in a registry of their own (served by <see cref="AgentSettings.ServeMetrics"/>).</summary>
public sealed class TenantMetrics
{
    private readonly HashSet<string> _runwayLeases = new(StringComparer.Ordinal);

    public TenantMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        OrdersPosted = factory.CreateCounter("tenant_orders_posted_total", "Orders the agent posted (MsgCreateOrder accepted).");
        LeasesFormed = factory.CreateCounter("tenant_leases_formed_total", "Active leases of the tenant seen for the first time by this process.");
        ActiveLeases = factory.CreateGauge("tenant_active_leases", "Active leases of the tenant.");
        TopUps = factory.CreateCounter("tenant_top_ups_total", "Escrow top-ups the agent made (MsgDepositEscrow accepted).");
        ToppedUp = factory.CreateCounter("tenant_topped_up_uchn_total", "uchn the agent's top-ups added to escrow.");
        Runway = factory.CreateGauge("tenant_escrow_runway_blocks", "Blocks until a lease's escrow cannot pay the next block.", "lease");
        Spent = factory.CreateGauge("tenant_deposited_uchn", "uchn in or paid out of the tenant's escrow accounts: deposited less refunded, which the budget caps.");
        Budget = factory.CreateGauge("tenant_budget_uchn", "The budget from the config.");
        TilesRequested = factory.CreateCounter("tenant_tiles_requested_total", "Tiles of tenant-data receipts the agent asked providers to open.");
        DisputesSent = factory.CreateCounter("tenant_disputes_sent_total", "Disputes of wrong tiles the agent sent.");
        DisputesUpheld = factory.CreateCounter("tenant_disputes_upheld_total", "Disputes the chain upheld (the provider was slashed and the lease closed).");
        Refused = factory.CreateCounter("tenant_txs_refused_total", "Txs the chain refused, by message.", "msg");
        StepErrors = factory.CreateCounter("tenant_step_errors_total", "Steps that stopped early because the node could not be reached or answered with an error.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter OrdersPosted { get; }

    public Counter LeasesFormed { get; }

    public Gauge ActiveLeases { get; }

    public Counter TopUps { get; }

    public Counter ToppedUp { get; }

    public Gauge Runway { get; }

    public Gauge Spent { get; }

    public Gauge Budget { get; }

    public Counter TilesRequested { get; }

    public Counter DisputesSent { get; }

    public Counter DisputesUpheld { get; }

    public Counter Refused { get; }

    public Counter StepErrors { get; }

    /// <summary>Sets the runway of each lease in <paramref name="runways"/> and drops the series of leases no longer active.</summary>
    public void SetRunways(IReadOnlyDictionary<ulong, ulong> runways)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (lease, blocks) in runways)
        {
            var label = lease.ToString(System.Globalization.CultureInfo.InvariantCulture);
            current.Add(label);
            Runway.WithLabels(label).Set(blocks);
        }

        foreach (var gone in _runwayLeases.Where(l => !current.Contains(l)).ToList())
        {
            Runway.RemoveLabelled(gone);
            _runwayLeases.Remove(gone);
        }

        _runwayLeases.UnionWith(current);
    }
}
