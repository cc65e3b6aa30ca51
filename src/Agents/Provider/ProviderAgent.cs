using Chain.Modules.Market.Matching;
using Chain.Proto.Market;
using Chain.Proto.Work;
using Chain.Work.Prover;
using Grpc.Core;
using MarketQuery = Chain.Proto.Market.Query;
using WorkQuery = Chain.Proto.Work.Query;

namespace Chain.Agents.Provider;

/// <summary>
/// The provider agent: registers and bonds if needed, bids on open orders it can serve by its pricing rule (logging
/// every order it declines and why), computes each lease's receipt when its round opens, answers every challenge
/// before the deadline, withdraws earnings every withdraw_every blocks and closes leases beyond its GPUs. Each step
/// reads what it needs from the chain, so a restart (even after SIGKILL) misses nothing whose deadline has not passed;
/// computed rounds are kept in memory and recomputed from their spec when missing.
/// </summary>
public sealed class ProviderAgent : IDisposable
{
    private readonly ProviderConfig _config;
    private readonly AgentChain _chain;
    private readonly AgentLog _log;
    private readonly IWorkProver _prover;
    private readonly Dictionary<(ulong Lease, ulong Round), RoundWork> _rounds = new();
    private readonly HashSet<(ulong Order, string Reason)> _declined = new();
    private readonly HashSet<ulong> _bidsCounted = new();
    private ulong _lastWithdraw;

    public ProviderAgent(ProviderConfig config, AgentLog log)
    {
        _config = config;
        _log = log;
        _chain = new AgentChain(config.Agent.Node, config.Agent.LoadKey(), config.Agent.Fee, config.Agent.Gas);
        _prover = ProverFactory.Create(config.Device);
        _log.Info($"provider {_chain.Address}: computing with {_prover.Name} ({ProverFactory.Describe()})" + (config.FakeFraction > 0 ? $"; TESTING: faking {config.FakeFraction:P0} of the tiles" : string.Empty));
    }

    public ProviderMetrics Metrics { get; } = new();

    public string Address => _chain.Address;

    /// <summary>Steps until <paramref name="ct"/> ends: after every new height the event stream reports, and at least every poll interval.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var server = _config.Agent.ServeMetrics(Metrics.Registry);
        var wakeup = new ChainWakeup(_chain.Channel, _log, _config.Agent.PollInterval);
        var follow = wakeup.FollowAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await StepAsync(ct);
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // Stopping: whatever the step hit once the stop came (its call cancelled, or refused by a node that is
                // down at that moment) ends the run as a stop, not an error.
                break;
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                Metrics.Errors.WithLabels("node").Inc();
                _log.Warn($"node {_config.Agent.Node}: {e.StatusCode} {e.Status.Detail}; retrying");
            }
            catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
            {
                Metrics.Errors.WithLabels("step").Inc();
                _log.Error($"step failed: {e.GetType().Name}: {e.Message}");
            }

            try
            {
                await wakeup.WaitAsync(_config.Agent.PollInterval, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await follow;
    }

    /// <summary>One pass over everything the provider owes or may do at the chain's current height.</summary>
    public async Task StepAsync(CancellationToken ct)
    {
        var height = (await _chain.StatusAsync(ct)).LatestHeight;
        var market = new MarketQuery.QueryClient(_chain.Channel);
        var work = new WorkQuery.QueryClient(_chain.Channel);
        var provider = await Registered(market, ct);
        if (provider is null)
        {
            return;
        }

        var record = await EnsureBond(work, ct);
        var leases = (await market.LeasesAsync(new QueryLeasesRequest { Provider = Address, State = LeaseState.Active, Pagination = new Proto.Market.PageRequest { Limit = 1000 } }, AgentChain.Options(ct))).Leases;
        Metrics.ActiveLeases.Set(leases.Count);

        // Duties with deadlines first: answers, then receipts.
        await AnswerChallenges(work, height, ct);
        foreach (var lease in leases)
        {
            await SubmitReceipt(work, lease, height, ct);
        }

        var gpusInUse = await CloseBeyondCapacity(market, leases, ct);
        await Bid(market, work, provider, record, gpusInUse, ct);
        await Withdraw(leases, height, ct);
        await CountOutcomes(market, work, ct);
    }

    private async Task<Proto.Market.Provider?> Registered(MarketQuery.QueryClient market, CancellationToken ct)
    {
        try
        {
            return (await market.ProviderAsync(new Proto.Market.QueryProviderRequest { Owner = Address }, AgentChain.Options(ct))).Provider;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            if (_config.HostUri.Length == 0)
            {
                _log.Warn($"{Address} is not a registered provider and the config has no host_uri to register with; waiting");
                return null;
            }

            var create = new MsgCreateProvider { Owner = Address, HostUri = _config.HostUri, Region = _config.Region };
            create.Attributes.AddRange(_config.Attributes);
            await Send(create, "register as a provider", ct);
            return null;
        }
    }

    private async Task<ProviderWork> EnsureBond(WorkQuery.QueryClient work, CancellationToken ct)
    {
        ProviderWork record;
        try
        {
            record = (await work.ProviderAsync(new Proto.Work.QueryProviderRequest { Provider = Address }, AgentChain.Options(ct))).Provider;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            record = new ProviderWork { Provider = Address };
        }

        Metrics.Verified.Set(record.VerifiedReceipts);
        Metrics.Failures.Set(record.Failures);
        Metrics.Rewards.Set(record.Rewards);
        if (record.Bond < _config.WorkBond && record.Slashed > 0)
        {
            if (_declined.Add((0, "slashed")))
            {
                _log.Warn($"the work bond was slashed ({record.Slashed}uchn over {record.Failures} failures) and is {record.Bond}uchn: the agent does not top it up after a slash; find out why (docs/provider.md), then deposit by hand");
            }
        }
        else if (record.Bond < _config.WorkBond)
        {
            var amount = _config.WorkBond - record.Bond;
            if (await Send(new MsgDepositWorkBond { Provider = Address, Amount = amount }, $"deposit {amount}uchn of work bond", ct))
            {
                record.Bond += amount;
            }
        }

        return record;
    }

    private async Task AnswerChallenges(WorkQuery.QueryClient work, ulong height, CancellationToken ct)
    {
        var pending = (await work.PendingChallengesAsync(new QueryPendingChallengesRequest { Provider = Address }, AgentChain.Options(ct))).Receipts;
        foreach (var receipt in pending.OrderBy(r => r.ResponseDeadlineHeight))
        {
            if (receipt.ResponseDeadlineHeight < height)
            {
                continue;
            }

            var round = RoundOf(receipt.LeaseId, receipt.Round, receipt.Spec);
            if (round is null)
            {
                continue;
            }

            if (!round.Tree.Root.AsSpan().SequenceEqual(receipt.OutputRoot.Span))
            {
                _log.Error($"lease {receipt.LeaseId} round {receipt.Round}: the product computed now does not have the receipt's root; cannot answer");
                continue;
            }

            var response = round.Response(Address, receipt.LeaseId, receipt.Round, receipt.ChallengedTiles);
            if (await Send(response, $"answer the challenge of lease {receipt.LeaseId} round {receipt.Round} ({receipt.ChallengedTiles.Count} tiles, due by {receipt.ResponseDeadlineHeight})", ct))
            {
                Metrics.Responses.Inc();
            }
        }
    }

    private async Task SubmitReceipt(WorkQuery.QueryClient work, Lease lease, ulong height, CancellationToken ct)
    {
        LeaseWork open;
        try
        {
            open = (await work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = lease.Id }, AgentChain.Options(ct))).Lease;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return; // the first round opens next block
        }

        if (!open.Active || open.Round == 0 || open.ReceiptSubmitted || open.RoundDueHeight < height)
        {
            return;
        }

        var round = RoundOf(open.LeaseId, open.Round, open.Spec);
        if (round is null)
        {
            return;
        }

        Metrics.ComputeSeconds.Observe(round.Elapsed.TotalSeconds);
        var receipt = ReceiptBuilderFor(open, round);
        if (await Send(receipt, $"submit the receipt of lease {open.LeaseId} round {open.Round} (due by {open.RoundDueHeight}; computed in {round.Elapsed.TotalMilliseconds:F0} ms)", ct))
        {
            Metrics.Receipts.Inc();
        }

        // Rounds long resolved are dropped; a restart recomputes what is still needed from the spec.
        foreach (var key in _rounds.Keys.Where(k => k.Lease == open.LeaseId && k.Round + 4 < open.Round).ToList())
        {
            _rounds.Remove(key);
        }
    }

    private MsgSubmitReceipt ReceiptBuilderFor(LeaseWork open, RoundWork round) =>
        Chain.Modules.Work.Kernels.ReceiptBuilder.Receipt(Address, open, round.Tree,
            new Telemetry { GpuModel = GpuModel(), Driver = _prover.Name, KernelMicros = (ulong)(round.Elapsed.Ticks / 10) });

    /// <summary>The round's product, computed once; null when it cannot be (a tenant-data round without the tenant's files).</summary>
    private RoundWork? RoundOf(ulong lease, ulong round, WorkloadSpec spec)
    {
        if (_rounds.TryGetValue((lease, round), out var known) && known.Spec.Equals(spec))
        {
            return known;
        }

        string? a = null, b = null;
        if (spec.Source == InputSource.Tenant)
        {
            a = Path.Combine(_config.TenantDataDirectory, $"{lease}.a.bin");
            b = Path.Combine(_config.TenantDataDirectory, $"{lease}.b.bin");
            if (!File.Exists(a) || !File.Exists(b))
            {
                _log.Warn($"lease {lease} round {round} computes on the tenant's data: put its files at {a} and {b}");
                return null;
            }
        }

        try
        {
            var computed = RoundWork.Compute(_prover, spec, a, b, _config.FakeFraction);
            _rounds[(lease, round)] = computed;
            return computed;
        }
        catch (ArgumentException e)
        {
            _log.Error($"lease {lease} round {round}: {e.Message}");
            return null;
        }
    }

    /// <summary>Closes the newest leases while the leased GPUs exceed the config's; returns the GPUs in use after.</summary>
    private async Task<uint> CloseBeyondCapacity(MarketQuery.QueryClient market, IReadOnlyList<Lease> leases, CancellationToken ct)
    {
        uint used = 0;
        foreach (var lease in leases.OrderBy(l => l.CreatedHeight).ThenBy(l => l.Id))
        {
            var gpus = Math.Max(1u, (await market.OrderAsync(new QueryOrderRequest { Id = lease.OrderId }, AgentChain.Options(ct))).Order.Resources?.GpuCount ?? 1);
            if (used + gpus > _config.Gpus)
            {
                await Send(new MsgCloseLease { Signer = Address, LeaseId = lease.Id }, $"close lease {lease.Id}: its {gpus} GPUs are beyond the {_config.Gpus} this machine serves", ct);
                continue;
            }

            used += gpus;
        }

        return used;
    }

    private async Task Bid(MarketQuery.QueryClient market, WorkQuery.QueryClient work, Proto.Market.Provider provider, ProviderWork record, uint gpusInUse, CancellationToken ct)
    {
        var myBids = (await market.BidsAsync(new QueryBidsRequest { Provider = Address, State = BidState.Open, Pagination = new Proto.Market.PageRequest { Limit = 1000 } }, AgentChain.Options(ct))).Bids;
        var marketParams = (await market.ParamsAsync(new Proto.Market.QueryParamsRequest(), AgentChain.Options(ct))).Params;
        var workParams = (await work.ParamsAsync(new Proto.Work.QueryParamsRequest(), AgentChain.Options(ct))).Params;
        var orders = (await market.OrdersAsync(new QueryOrdersRequest { State = OrderState.Open, Pagination = new Proto.Market.PageRequest { Limit = 1000 } }, AgentChain.Options(ct))).Orders;
        uint committed = gpusInUse;
        foreach (var bid in myBids)
        {
            var order = orders.FirstOrDefault(o => o.Id == bid.OrderId);
            committed += Math.Max(1u, order?.Resources?.GpuCount ?? 1);
        }

        var openBids = myBids.Count;
        foreach (var order in orders.OrderBy(o => o.Id))
        {
            if (myBids.Any(b => b.OrderId == order.Id) || order.Owner == Address)
            {
                continue;
            }

            var gpus = Math.Max(1u, order.Resources?.GpuCount ?? 1);
            var model = GpuModel();
            var floor = _config.Floor(model, gpus);
            // What the order itself rules out first (it stays so), then what this provider's load rules out now.
            string? reason = null;
            if (!ResourceMatcher.Satisfies(provider, order.Resources ?? new Resources(), out var unmet))
            {
                reason = $"attributes: {unmet}";
            }
            else if (order.MaxPricePerBlock < floor)
            {
                reason = $"price: the order pays at most {order.MaxPricePerBlock}uchn a block, the floor for {gpus} x {model} is {floor}uchn";
            }
            else if (openBids >= _config.MaxOpenBids)
            {
                reason = $"max_open_bids: {openBids} bids are open";
            }
            else if (committed + gpus > _config.Gpus)
            {
                reason = $"capacity: {gpus} GPUs wanted, {_config.Gpus - Math.Min(committed, _config.Gpus)} of {_config.Gpus} free";
            }
            else if ((UInt128)(openBids + 1) * marketParams.BidDeposit > _config.BidDepositBudget)
            {
                reason = $"bid_deposit_budget: {openBids + 1} deposits of {marketParams.BidDeposit}uchn exceed {_config.BidDepositBudget}uchn";
            }
            else if ((UInt128)workParams.BondPerLease * (record.ActiveLeases + 1UL) > record.Bond)
            {
                reason = $"work bond: {record.Bond}uchn covers {record.ActiveLeases} leases of bond_per_lease {workParams.BondPerLease}uchn and no more";
            }

            if (reason is not null)
            {
                var kind = reason[..reason.IndexOf(':', StringComparison.Ordinal)];
                if (_declined.Add((order.Id, kind)))
                {
                    Metrics.BidsDeclined.WithLabels(kind).Inc();
                    _log.Info($"decline order {order.Id} ({gpus} x {order.Resources?.GpuModel}, up to {order.MaxPricePerBlock}uchn): {reason}");
                }

                continue;
            }

            var competing = (await market.BidsAsync(new QueryBidsRequest { OrderId = order.Id, State = BidState.Open }, AgentChain.Options(ct))).Bids;
            var lowest = competing.Count == 0 ? order.MaxPricePerBlock : competing.Min(b => b.PricePerBlock);
            var price = Math.Max(floor, Math.Min(order.MaxPricePerBlock, competing.Count == 0 ? order.MaxPricePerBlock : lowest > _config.UndercutStep ? lowest - _config.UndercutStep : 1));
            if (await Send(new MsgCreateBid { Provider = Address, OrderId = order.Id, PricePerBlock = price }, $"bid {price}uchn a block on order {order.Id} ({competing.Count} competing, lowest {lowest}uchn, floor {floor}uchn)", ct))
            {
                Metrics.BidsSent.Inc();
                openBids++;
                committed += gpus;
            }
        }
    }

    private async Task Withdraw(IReadOnlyList<Lease> leases, ulong height, CancellationToken ct)
    {
        if (height < _lastWithdraw + _config.WithdrawEvery)
        {
            return;
        }

        _lastWithdraw = height;
        foreach (var lease in leases)
        {
            var before = await _chain.BalanceAsync(ct);
            if (await Send(new MsgWithdrawLease { Provider = Address, LeaseId = lease.Id }, $"withdraw the earnings of lease {lease.Id}", ct))
            {
                var after = await _chain.BalanceAsync(ct);
                Metrics.Withdrawn.Inc(Math.Max(0, (double)after + _chain.Fee - before));
            }
        }
    }

    /// <summary>Counts each of its bids once as won or lost.</summary>
    private async Task CountOutcomes(MarketQuery.QueryClient market, WorkQuery.QueryClient work, CancellationToken ct)
    {
        foreach (var state in new[] { BidState.Active, BidState.Lost })
        {
            var bids = (await market.BidsAsync(new QueryBidsRequest { Provider = Address, State = state, Pagination = new Proto.Market.PageRequest { Limit = 1000 } }, AgentChain.Options(ct))).Bids;
            foreach (var bid in bids.Where(b => _bidsCounted.Add(b.Id)))
            {
                (state == BidState.Active ? Metrics.BidsWon : Metrics.BidsLost).Inc();
                _log.Info(state == BidState.Active ? $"bid {bid.Id} won: lease {bid.OrderId} at {bid.PricePerBlock}uchn a block" : $"bid {bid.Id} on order {bid.OrderId} lost (deposit refunded)");
            }
        }
    }

    /// <summary>"vendor/model" of the first GPU attribute of the config (what the provider registered).</summary>
    private string GpuModel()
    {
        foreach (var attribute in _config.Attributes)
        {
            if (ProviderAttributes.TryParseGpu(attribute, out var vendor, out var model, out _))
            {
                return $"{vendor}/{model}";
            }
        }

        return "default";
    }

    /// <summary>Sends one tx; logs the outcome; true when the chain applied it.</summary>
    private async Task<bool> Send(Google.Protobuf.IMessage message, string what, CancellationToken ct)
    {
        var result = await _chain.SendAsync(message, ct);
        if (result.Code == 0)
        {
            _log.Info($"{what}: ok at height {result.Height}");
            return true;
        }

        Metrics.Errors.WithLabels("refused").Inc();
        _log.Warn($"{what}: refused with code {result.Code} ({result.Codespace}): {result.Log}");
        return false;
    }

    public void Dispose()
    {
        _prover.Dispose();
        _chain.Dispose();
    }
}
