using System.CommandLine;
using System.Globalization;
using Chain.Agents;
using Chain.Agents.Provider;
using Chain.Client.Cli;
using Chain.Crypto;
using Chain.Proto.Market;
using Chain.Proto.Work;
using Grpc.Core;

namespace Chain.Node.Cli;

/// <summary>`chaind provider run --config provider.toml` (the provider agent, docs/provider.md) and `chaind provider status`.</summary>
internal sealed class ProviderCommand(CliEnvironment environment, CommandHandler handler)
{
    public Command Build()
    {
        var provider = new Command("provider", "The provider agent: bids, computes receipts, answers challenges, withdraws earnings (docs/provider.md)");
        var config = new Option<string>("--config") { Description = "The agent's TOML config (docs/provider.md lists every key)", Required = true };
        var run = new Command("run", "Run the provider agent until stopped (Ctrl+C or SIGTERM)") { config };
        run.SetAction(handler.Wrap(async (parse, ct) =>
        {
            var settings = Load(parse.GetRequiredValue(config));
            using var agent = new ProviderAgent(settings, new AgentLog(environment.Error, "provider"));
            await agent.RunAsync(ct);
            return 0;
        }));
        provider.Add(run);

        var statusConfig = new Option<string>("--config") { Description = "The agent's TOML config", Required = true };
        var status = new Command("status", "The provider's bond, track record, leases, open rounds, pending challenges and open bids, from the chain") { statusConfig };
        status.SetAction(handler.Wrap(async (parse, ct) =>
        {
            var settings = Load(parse.GetRequiredValue(statusConfig));
            using var chain = new AgentChain(settings.Agent.Node, settings.Agent.LoadKey(), settings.Agent.Fee, settings.Agent.Gas);
            await PrintStatus(chain, ct);
            return 0;
        }));
        provider.Add(status);
        return provider;
    }

    private static ProviderConfig Load(string path)
    {
        try
        {
            return ProviderConfig.Load(path);
        }
        catch (AgentConfigException e)
        {
            throw new CliException(e.Message);
        }
    }

    private async Task PrintStatus(AgentChain chain, CancellationToken ct)
    {
        var o = environment.Output;
        var market = new Proto.Market.Query.QueryClient(chain.Channel);
        var work = new Proto.Work.Query.QueryClient(chain.Channel);
        var height = (await chain.StatusAsync(ct)).LatestHeight;
        o.WriteLine($"provider: {chain.Address}");
        o.WriteLine($"height: {height}");
        o.WriteLine($"balance: {await chain.BalanceAsync(ct)}uchn");
        try
        {
            var r = (await work.ProviderAsync(new Proto.Work.QueryProviderRequest { Provider = chain.Address }, AgentChain.Options(ct))).Provider;
            o.WriteLine($"work: bond={r.Bond}uchn verified={r.VerifiedReceipts} units={r.VerifiedWorkUnits} failures={r.Failures} missed={r.MissedReceipts} slashed={r.Slashed}uchn rewards={r.Rewards}uchn");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            o.WriteLine("work: no record yet (no bond, lease or receipt)");
        }

        var leases = (await market.LeasesAsync(new QueryLeasesRequest { Provider = chain.Address, State = LeaseState.Active }, AgentChain.Options(ct))).Leases;
        foreach (var l in leases)
        {
            var escrow = (await market.EscrowAccountAsync(new QueryEscrowAccountRequest { Id = l.Id }, AgentChain.Options(ct))).Account;
            var line = $"lease: {l.Id} tenant={l.Tenant} price={l.PricePerBlock}uchn/block payable={escrow.Payable}uchn paid_out={escrow.PaidOut}uchn";
            try
            {
                var w = (await work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = l.Id }, AgentChain.Options(ct))).Lease;
                line += $" round={w.Round} due={w.RoundDueHeight} receipt={(w.ReceiptSubmitted ? "submitted" : "owed")}";
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
            }

            o.WriteLine(line);
        }

        foreach (var p in (await work.PendingChallengesAsync(new QueryPendingChallengesRequest { Provider = chain.Address }, AgentChain.Options(ct))).Receipts)
        {
            o.WriteLine($"pending: lease {p.LeaseId} round {p.Round} {p.ChallengedTiles.Count} tiles by height {p.ResponseDeadlineHeight}");
        }

        foreach (var b in (await market.BidsAsync(new QueryBidsRequest { Provider = chain.Address, State = BidState.Open }, AgentChain.Options(ct))).Bids)
        {
            o.WriteLine($"bid: {b.Id} order={b.OrderId} price={b.PricePerBlock.ToString(CultureInfo.InvariantCulture)}uchn");
        }
    }
}
