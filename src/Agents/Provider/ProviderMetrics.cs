using Prometheus;

namespace Chain.Agents.Provider;

/// <summary>The provider agent's Prometheus metrics (docs/provider.md lists them), in a registry of their own.</summary>
public sealed class ProviderMetrics
{
    public ProviderMetrics()
    {
        var f = Metrics.WithCustomRegistry(Registry);
        BidsSent = f.CreateCounter("provider_bids_sent_total", "Bids sent to the chain and accepted.");
        BidsWon = f.CreateCounter("provider_bids_won_total", "Bids of this provider that became leases.");
        BidsLost = f.CreateCounter("provider_bids_lost_total", "Bids of this provider that lost to another.");
        BidsDeclined = f.CreateCounter("provider_orders_declined_total", "Open orders the agent did not bid on, by reason.", "reason");
        Receipts = f.CreateCounter("provider_receipts_submitted_total", "Receipts submitted.");
        Responses = f.CreateCounter("provider_challenge_responses_total", "Challenge responses (and tile openings) submitted.");
        Verified = f.CreateGauge("provider_receipts_verified", "Receipts of this provider that passed their challenge (the chain's count).");
        Failures = f.CreateGauge("provider_failures", "Failures the chain counted against this provider (wrong tiles, silence, missed receipts).");
        Withdrawn = f.CreateCounter("provider_escrow_withdrawn_uchn_total", "uchn withdrawn from leases' escrow.");
        Rewards = f.CreateGauge("provider_work_rewards_uchn", "Work rewards the chain paid this provider, uchn.");
        ActiveLeases = f.CreateGauge("provider_active_leases", "Active leases served.");
        ComputeSeconds = f.CreateHistogram("provider_receipt_compute_seconds", "Time to compute a round's product and its tile tree.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 4, 10) });
        Errors = f.CreateCounter("provider_errors_total", "Refused txs and lost connections, by kind.", "kind");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter BidsSent { get; }

    public Counter BidsWon { get; }

    public Counter BidsLost { get; }

    public Counter BidsDeclined { get; }

    public Counter Receipts { get; }

    public Counter Responses { get; }

    public Gauge Verified { get; }

    public Gauge Failures { get; }

    public Counter Withdrawn { get; }

    public Gauge Rewards { get; }

    public Gauge ActiveLeases { get; }

    public Histogram ComputeSeconds { get; }

    public Counter Errors { get; }
}
