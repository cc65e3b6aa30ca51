using System.CommandLine;
using System.Globalization;
using Chain.Agents;
using Chain.Agents.Tenant;
using Chain.Client.Cli;
using Chain.Proto.Work;
using Grpc.Core;
using WorkQuery = Chain.Proto.Work.Query;

namespace Chain.Node.Cli;

/// <summary>
/// `chaind tenant run --config tenant.toml` runs the tenant agent until interrupted; `chaind tenant status --config
/// tenant.toml` prints what the chain holds for the tenant: leases with their escrow runway, open orders, the budget
/// used, and each tenant-data lease's last receipt (docs/tenant.md).
/// </summary>
public sealed class TenantCommand(CliEnvironment environment, CommandHandler handler, Option<string> home)
{
    public Command Build()
    {
        var run = new Command("run", "Keep the configured leases running within the budget: post orders, top up escrow, check tenant-data receipts");
        var runConfig = ConfigOption();
        run.Add(runConfig);
        run.SetAction(handler.Wrap((parse, ct) => RunAsync(Load(parse, runConfig), ct)));

        var status = new Command("status", "The tenant's active leases, escrow runway, open orders, budget used and last tenant-data receipts");
        var statusConfig = ConfigOption();
        status.Add(statusConfig);
        status.SetAction(handler.Wrap((parse, ct) => StatusAsync(Load(parse, statusConfig), ct)));

        return new Command("tenant", "The tenant agent: keeps leases of the configured kinds running (docs/tenant.md)") { run, status };
    }

    private static Option<string> ConfigOption() => new("--config")
    {
        Description = "The agent's config file (docs/tenant.md)",
        DefaultValueFactory = _ => "tenant.toml",
    };

    private TenantConfig Load(ParseResult parse, Option<string> config)
    {
        try
        {
            return TenantConfig.Load(parse.GetRequiredValue(config), parse.GetRequiredValue(home));
        }
        catch (AgentConfigException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    private static AgentChain Connect(TenantConfig config)
    {
        try
        {
            var agent = config.Agent;
            return new AgentChain(agent.Node, agent.LoadKey(), agent.Fee, agent.Gas);
        }
        catch (AgentConfigException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    private async Task<int> RunAsync(TenantConfig config, CancellationToken ct)
    {
        using var chain = Connect(config);
        var metrics = new TenantMetrics();
        IDisposable? server;
        try
        {
            server = config.Agent.ServeMetrics(metrics.Registry);
        }
        catch (Exception e) when (e is System.Net.HttpListenerException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CliException($"metrics_address {config.Agent.MetricsAddress}: cannot serve metrics there: {e.Message}", e);
        }

        using (server)
        {
            await new TenantAgent(config, chain, new AgentLog(environment.Error, "tenant"), metrics).RunAsync(ct);
        }

        return 0;
    }

    private async Task<int> StatusAsync(TenantConfig config, CancellationToken ct)
    {
        using var chain = Connect(config);
        TenantView view;
        try
        {
            view = await TenantView.ReadAsync(chain.Channel, chain.Address, null, ct);
        }
        catch (RpcException e)
        {
            throw new CliException($"node {config.Agent.Node}: {e.StatusCode}: {e.Status.Detail}", e);
        }

        var o = environment.Output;
        o.WriteLine($"address: {chain.Address}");
        o.WriteLine($"height: {N(view.Height)}");
        o.WriteLine($"budget_used: {N(view.Spent)}uchn of {N(config.Budget)}uchn");
        var active = view.ActiveLeases.ToList();
        o.WriteLine($"active_leases: {active.Count}");
        var work = new WorkQuery.QueryClient(chain.Channel);
        foreach (var lease in active)
        {
            var escrow = view.Escrows.GetValueOrDefault(lease.Id);
            var kind = view.Order(lease.OrderId) is { } order ? config.Orders.FirstOrDefault(k => k.Matches(order)) : null;
            var line = $"lease {lease.Id}: provider {lease.Provider}, {N(lease.PricePerBlock)}uchn/block, kind {kind?.Name ?? "(not in the config)"}, "
                + (escrow is null ? "no escrow account" : $"escrow {N(escrow.Balance)}uchn, runway {N(TenantView.RunwayBlocks(escrow, view.Height))} blocks");
            o.WriteLine(line + await LastTenantReceiptAsync(work, lease.Id, ct));
        }

        var open = view.OpenOrders.ToList();
        o.WriteLine($"open_orders: {open.Count}");
        foreach (var order in open)
        {
            var kind = config.Orders.FirstOrDefault(k => k.Matches(order));
            o.WriteLine($"order {order.Id}: kind {kind?.Name ?? "(not in the config)"}, max {N(order.MaxPricePerBlock)}uchn/block, "
                + $"deposit {N(view.Escrows.GetValueOrDefault(order.Id)?.Deposited ?? 0)}uchn, bids until height {N(order.BiddingClosesHeight)}");
        }

        return 0;
    }

    /// <summary>", tenant data: last receipt round R opened" for a lease set to tenant data; empty otherwise.</summary>
    private static async Task<string> LastTenantReceiptAsync(WorkQuery.QueryClient work, ulong leaseId, CancellationToken ct)
    {
        try
        {
            var lease = (await work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = leaseId }, AgentChain.Options(ct))).Lease;
            if (lease.TenantData is null || lease.TenantData.Source != InputSource.Tenant)
            {
                return string.Empty;
            }

            for (var round = lease.Round; round >= 1 && round + 2 > lease.Round; round--)
            {
                try
                {
                    var receipt = (await work.ReceiptAsync(new QueryReceiptRequest { LeaseId = leaseId, Round = round }, AgentChain.Options(ct))).Receipt;
                    return $", tenant data: last receipt round {N(round)} {ProtoEnumText.Name(receipt.Status)} ({ProtoEnumText.Name(receipt.Spec.Source)})";
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                }
            }

            return ", tenant data: no receipt yet";
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return string.Empty;
        }
    }

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
