using System.Globalization;
using System.Net;
using System.Text;

namespace Chain.LoadGen;

/// <summary>
/// The report as one self-contained HTML page: the headline figures, the run's options, and the plots of
/// <see cref="ReportPlots"/> inline as SVG (no script, font or style is fetched when the page is opened).
/// Every string from the report is HTML-escaped here; the SVG's text is escaped by OxyPlot's XML writer.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 12px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        table { border-collapse: collapse; margin: 4px 0 8px; }
        th, td { text-align: left; vertical-align: top; padding: 3px 14px 3px 0; border-bottom: 1px solid #eee; }
        th { font-weight: 600; white-space: nowrap; color: #444; }
        td.sub { padding-left: 18px; color: #555; }
        code { font: 13px/1.4 Menlo, Consolas, monospace; background: #f4f4f4; padding: 2px 4px; word-break: break-all; }
        figure { margin: 14px 0 22px; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        p.missing { color: #8a5a00; background: #fff6e0; border: 1px solid #f0dca8; padding: 10px 14px; margin: 4px 0; }
        .muted { color: #666; }
        """;

    /// <summary>The HTML file beside a JSON report: the same path with the extension .html.</summary>
    public static string PathBeside(string jsonPath) => Path.ChangeExtension(jsonPath, ".html");

    public static void Write(LoadReport report, string path) => File.WriteAllText(path, Render(report), new UTF8Encoding(false));

    public static string Render(LoadReport report)
    {
        var html = new StringBuilder(256 * 1024);
        string made = report.GeneratedAt is { } at
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"
            : "(time " + ReportPlots.NotInReport + ")";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(E(string.Create(CultureInfo.InvariantCulture, $"Load report: {report.OfferedRate:#,0.###} tx/s offered, {made}"))).Append("</title>\n");
        html.Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>Load report</h1>\n<p class=\"muted\">Made ").Append(E(made))
            .Append(" by <code>loadgen run</code>; watched node ").Append(E(report.Watch)).Append("</p>\n");

        html.Append("<h2>Summary</h2>\n<table>\n");
        Summary(html, report);
        html.Append("</table>\n");

        html.Append("<h2>Options of the run</h2>\n");
        Options(html, report);

        html.Append("<h2>Plots</h2>\n");
        foreach (var plot in ReportPlots.All(report))
        {
            html.Append("<figure id=\"").Append(E(plot.Id)).Append("\">\n<figcaption>").Append(E(plot.Title)).Append("</figcaption>\n");
            if (plot.Svg is not null)
            {
                html.Append(plot.Svg).Append('\n');
            }
            else
            {
                html.Append("<p class=\"missing\">").Append(E(plot.Note ?? ReportPlots.NotInReport)).Append("</p>\n");
            }

            html.Append("</figure>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, LoadReport r)
    {
        Row(html, "Offered", $"{N(r.OfferedRate)} tx/s for {N(r.DurationSeconds)} s from {N(r.Accounts)} accounts to {N(r.Nodes.Count)} nodes");
        Row(html, "Sent", $"{N(r.Sent)} of {N(r.Planned)} at {N(r.SendRate)} tx/s"
            + (r.HeldBackRounds > 0 ? $" (the in-flight cap held the schedule back {N(r.HeldBackRounds)} times)" : string.Empty));
        Row(html, "Accepted", N(r.Accepted));
        Row(html, "Refused", N(r.Refused) + (r.Resent > 0 ? $" (re-sent after \"mempool is full\" {N(r.Resent)} times; the reasons below count every try)" : string.Empty));
        foreach (var (reason, n) in r.RefusedBy.OrderByDescending(p => p.Value))
        {
            Row(html, string.Empty, $"{N(n)}: {reason}", sub: true);
        }

        Row(html, "RPC errors", N(r.RpcErrors));
        foreach (var (reason, n) in r.RpcErrorsBy.OrderByDescending(p => p.Value))
        {
            Row(html, string.Empty, $"{N(n)}: {reason}", sub: true);
        }

        Row(html, "Committed", $"{N(r.Committed)} ({N(r.CommittedFailed)} with a non-zero code)");
        Row(html, "Lost", $"{N(r.Lost)} accepted but not committed");
        Row(html, "Sustained", r.SustainedTxPerSecond is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{N(s)} tx/s committed (from {r.FirstCommitAt:0.0} s to {r.LastCommitAt:0.0} s)")
            : "n/a (fewer than two blocks held the run's txs)");
        Row(html, "Commit latency", P(r.CommitLatencyMs));
        Row(html, "BroadcastTx answer", P(r.BroadcastAnswerMs));
        if (r.RefusalAnswerMs is not null)
        {
            Row(html, "Refusal answer", P(r.RefusalAnswerMs));
        }

        Row(html, "Blocks", $"{N(r.Blocks)}; interval {P(r.BlockIntervalMs)}");
        Row(html, "Txs per block", string.Create(CultureInfo.InvariantCulture, $"mean {r.TxsPerBlockMean:#,0}, largest {N(r.TxsPerBlockMax)}"));
        Row(html, "Rounds", $"{N(r.HeightsPastRoundZero)} heights decided after round 0; highest round {r.MaxRound}");
        Row(html, "Max mempool size", string.Join(", ", r.MaxMempoolPerNode.Select((n, i) => $"{(i < r.Nodes.Count ? r.Nodes[i] : $"node {i}")}: {N(n)}")));
        Row(html, "Events/Subscribe", $"{N(r.SubscribedNewBlocks)} new_block events; {r.SubscriptionEnded ?? "stream open until the end"}");
        foreach (var (reason, n) in r.WatchErrors)
        {
            Row(html, "Watcher", $"a call failed {N(n)} times (retried): {reason}");
        }
    }

    /// <summary>The options as a table and as the command line that repeats the run; older reports lack some.</summary>
    private static void Options(StringBuilder html, LoadReport r)
    {
        var s = r.Settings;
        string missing = ReportPlots.NotInReport;
        var options = new (string Flag, string? Value)[]
        {
            ("--nodes", string.Join(',', s?.Nodes ?? r.Nodes)),
            ("--watch", s?.Watch ?? r.Watch),
            ("--rate", Raw(s?.Rate ?? r.OfferedRate)),
            ("--duration", Raw(s?.DurationSeconds ?? r.DurationSeconds)),
            ("--accounts", Raw(s?.Accounts ?? r.Accounts)),
            ("--first-account", s is null ? null : Raw(s.FirstAccount)),
            ("--gas", s is null ? null : Raw(s.Gas)),
            ("--fee", s is null ? null : Raw(s.Fee)),
            ("--max-in-flight", s is null ? null : Raw(s.MaxInFlight)),
            ("--batch", s is null ? null : Raw(s.Batch)),
            ("--drain", s is null ? null : Raw(s.DrainSeconds)),
        };
        html.Append("<table>\n");
        foreach (var (flag, value) in options)
        {
            Row(html, flag, value ?? missing);
        }

        html.Append("</table>\n");
        string line = "loadgen run " + string.Join(' ', options.Where(o => o.Value is not null).Select(o => o.Flag + " " + o.Value));
        html.Append("<p>Command line: <code>").Append(E(line)).Append("</code>");
        if (s is null)
        {
            html.Append(" <span class=\"muted\">(the other options were not recorded in this report)</span>");
        }

        html.Append("</p>\n");
    }

    private static void Row(StringBuilder html, string name, string value, bool sub = false) =>
        html.Append("<tr><th>").Append(E(name)).Append(sub ? "</th><td class=\"sub\">" : "</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string P(Percentiles? p) => p is null
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"median {p.Median:#,0} ms, p90 {p.P90:#,0} ms, p99 {p.P99:#,0} ms, max {p.Max:#,0} ms");

    private static string N(double v) => v.ToString("#,0.###", CultureInfo.InvariantCulture);

    private static string Raw(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
