using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Proto.Work;

namespace Chain.Modules.Work.Cli;

/// <summary>`chaind query work ...`: params, a provider's bond and track record, providers, a lease's open round, receipts, what a provider must answer, and the reward pool.</summary>
internal sealed class WorkQueryCommand(CliContext context)
{
    public Command Build()
    {
        var work = new Command(WorkModule.ModuleName, "Proof of useful work queries");
        work.Add(Params());
        work.Add(Provider());
        work.Add(Providers());
        work.Add(Lease());
        work.Add(Receipt());
        work.Add(Receipts());
        work.Add(Pending());
        work.Add(Rewards());
        return work;
    }

    private static string N(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Hex(Google.Protobuf.ByteString b) => Convert.ToHexStringLower(b.Span);

    private static IEnumerable<(string, string)> ProviderLines(ProviderWork p) =>
    [
        ("provider", p.Provider), ("bond", N(p.Bond) + "uchn"), ("active_leases", N(p.ActiveLeases)), ("unresolved_receipts", N(p.UnresolvedReceipts)),
        ("receipts", N(p.Receipts)), ("verified_receipts", N(p.VerifiedReceipts)), ("verified_work_units", N(p.VerifiedWorkUnits)),
        ("failures", N(p.Failures)), ("missed_receipts", N(p.MissedReceipts)), ("slashed", N(p.Slashed) + "uchn"), ("rewards", N(p.Rewards) + "uchn"),
    ];

    private static string SpecText(WorkloadSpec? s) => s is null
        ? "none"
        : $"{s.Rows} x {s.N}, tiles of {s.TileWidth}, {ProtoEnumText.Name(s.Source)}" + (s.Source == InputSource.Seeded ? $", seed {Hex(s.Seed)}" : $", a_root {Hex(s.ARoot)}, b_root {Hex(s.BRoot)}");

    private static IEnumerable<(string, string)> ReceiptLines(Receipt r) =>
    [
        ("receipt", $"lease {N(r.LeaseId)} round {N(r.Round)} {ProtoEnumText.Name(r.Status)}" + (r.Failure.Length > 0 ? $" ({r.Failure})" : string.Empty)),
        ("spec", SpecText(r.Spec)), ("output_root", Hex(r.OutputRoot)), ("work_units", N(r.WorkUnits)), ("submitted_height", N(r.SubmittedHeight)),
        ("challenged_tiles", string.Join(',', r.ChallengedTiles)), ("response_deadline_height", N(r.ResponseDeadlineHeight)), ("reward", N(r.Reward) + "uchn"),
    ];

    private Command Params()
    {
        var command = new Command("params", "The work module's params");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryParamsRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).ParamsAsync(request, o),
            (_, r) =>
            {
                var p = r.Params ?? new Proto.Work.Params();
                return
                [
                    ("n", N(p.N)), ("tile_width", N(p.TileWidth)), ("samples", N(p.Samples)), ("receipt_interval", N(p.ReceiptInterval) + " blocks"),
                    ("challenge_delay", N(p.ChallengeDelay) + " blocks"), ("response_deadline", N(p.ResponseDeadline) + " blocks"), ("dispute_window", N(p.DisputeWindow) + " blocks"),
                    ("rows_per_gpu", string.Join(' ', p.ModelRows.Select(m => $"{m.Model}={N(m.RowsPerGpu)}").Append($"default={N(p.DefaultRowsPerGpu)}"))),
                    ("bond_per_lease", N(p.BondPerLease) + "uchn"), ("slash_tenant_share", p.SlashTenantShare), ("max_queue_per_block", N(p.MaxQueuePerBlock)), ("height", N(r.Height)),
                ];
            });
        return command;
    }

    private Command Provider()
    {
        var address = new Argument<string>("address") { Description = "Provider address (chain1...)" };
        var command = new Command("provider", "A provider's work bond and track record: verified work, failures, earnings") { address };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryProviderRequest { Provider = ClientInput.AccountAddress(parse.GetRequiredValue(address), "address") },
            (node, request, o) => new Query.QueryClient(node.Channel).ProviderAsync(request, o),
            (_, r) => [.. ProviderLines(r.Provider ?? new ProviderWork()), ("height", N(r.Height))]);
        return command;
    }

    private Command Providers()
    {
        var paging = new PageOptions();
        var command = new Command("providers", "Every provider's work record");
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse =>
            {
                var (limit, key) = paging.Read(parse);
                return new QueryProvidersRequest { Pagination = new PageRequest { Limit = limit, Key = key } };
            },
            (node, request, o) => new Query.QueryClient(node.Channel).ProvidersAsync(request, o),
            (_, r) => [.. r.Providers.Select(p => ("provider", $"{p.Provider} bond={N(p.Bond)}uchn verified={N(p.VerifiedReceipts)} units={N(p.VerifiedWorkUnits)} failures={N(p.Failures)} rewards={N(p.Rewards)}uchn")), PageOptions.NextKeyLine(r.Pagination?.NextKey)]);
        return command;
    }

    private Command Lease()
    {
        var id = new Argument<ulong>("lease_id") { Description = "The lease" };
        var command = new Command("lease", "A lease's open round: the spec its receipt must carry and when it is due") { id };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryLeaseWorkRequest { LeaseId = parse.GetValue(id) },
            (node, request, o) => new Query.QueryClient(node.Channel).LeaseWorkAsync(request, o),
            (_, r) =>
            {
                var l = r.Lease ?? new LeaseWork();
                return
                [
                    ("lease", N(l.LeaseId)), ("provider", l.Provider), ("tenant", l.Tenant), ("active", l.Active ? "yes" : "no"), ("gpu_model", l.GpuModel),
                    ("round", N(l.Round)), ("opened_height", N(l.RoundOpenedHeight)), ("due_height", N(l.RoundDueHeight)), ("receipt_submitted", l.ReceiptSubmitted ? "yes" : "no"),
                    ("spec", SpecText(l.Spec)), ("height", N(r.Height)),
                ];
            });
        return command;
    }

    private Command Receipt()
    {
        var lease = new Argument<ulong>("lease_id") { Description = "The lease" };
        var round = new Argument<ulong>("round") { Description = "The round" };
        var command = new Command("receipt", "One receipt, its challenge and how it ended") { lease, round };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryReceiptRequest { LeaseId = parse.GetValue(lease), Round = parse.GetValue(round) },
            (node, request, o) => new Query.QueryClient(node.Channel).ReceiptAsync(request, o),
            (_, r) => [.. ReceiptLines(r.Receipt ?? new Receipt()), ("height", N(r.Height))]);
        return command;
    }

    private Command Receipts()
    {
        var lease = new Argument<ulong>("lease_id") { Description = "The lease" };
        var paging = new PageOptions();
        var command = new Command("receipts", "A lease's receipts, round by round") { lease };
        paging.AddTo(command);
        new ClientOptions(context).SetQueryAction(
            command,
            parse =>
            {
                var (limit, key) = paging.Read(parse);
                return new QueryReceiptsRequest { LeaseId = parse.GetValue(lease), Pagination = new PageRequest { Limit = limit, Key = key } };
            },
            (node, request, o) => new Query.QueryClient(node.Channel).ReceiptsAsync(request, o),
            (_, r) => [.. r.Receipts.Select(x => ("receipt", $"round {N(x.Round)} {ProtoEnumText.Name(x.Status)} units={N(x.WorkUnits)} reward={N(x.Reward)}uchn{(x.Failure.Length > 0 ? " " + x.Failure : string.Empty)}")), PageOptions.NextKeyLine(r.Pagination?.NextKey)]);
        return command;
    }

    private Command Pending()
    {
        var address = new Argument<string>("address") { Description = "Provider address (chain1...)" };
        var command = new Command("pending", "Receipts of a provider waiting for its answer (challenged or tiles requested)") { address };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QueryPendingChallengesRequest { Provider = ClientInput.AccountAddress(parse.GetRequiredValue(address), "address") },
            (node, request, o) => new Query.QueryClient(node.Channel).PendingChallengesAsync(request, o),
            (_, r) => [.. r.Receipts.Select(x => ("pending", $"lease {N(x.LeaseId)} round {N(x.Round)} {ProtoEnumText.Name(x.Status)} tiles={string.Join(',', x.ChallengedTiles)} deadline={N(x.ResponseDeadlineHeight)}")), ("height", N(r.Height))]);
        return command;
    }

    private Command Rewards()
    {
        var command = new Command("rewards", "The work reward pool: minted for work, paid, unpaid");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryRewardPoolRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).RewardPoolAsync(request, o),
            (_, r) =>
            [
                ("minted", N(r.Pool?.MintedSeen ?? 0) + "uchn"), ("paid", N(r.Pool?.Paid ?? 0) + "uchn"), ("unpaid", N(r.Pool?.Unpaid ?? 0) + "uchn"),
                ("balance", N(r.Balance) + "uchn"), ("height", N(r.Height)),
            ]);
        return command;
    }
}
