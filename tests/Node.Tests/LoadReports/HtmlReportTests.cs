using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Chain.LoadGen;

namespace Chain.Node.Tests.LoadReports;

/// <summary>The load generator's HTML report: its plots, escaping, and the `loadgen report` command.</summary>
public sealed partial class HtmlReportTests
{
    private const string Hostile = "<script>alert('node')</script>:26601";

    private static readonly string[] Nodes = ["127.0.0.1:26601", "127.0.0.1:26611", "127.0.0.1:26621", Hostile];

    [Fact]
    public void Every_plot_is_an_svg_with_a_vertex_per_point()
    {
        var html = HtmlReport.Render(Known());

        var figures = Figures(html);
        Assert.Equal(new[] { "throughput", "latency", "mempool", "block-interval", "block-size" }, figures.Keys);
        Assert.All(figures.Values, f => Assert.Single(Svgs(f)));

        // Seconds 2..7 are six points per line; second 4 has no row and counts as 0.
        // (Polylines of two vertices are axis and legend lines.)
        Assert.Equal(new[] { 6, 6, 6 }, Polylines(figures["throughput"]).Where(n => n > 2));
        // Five blocks with our txs: median, p90, p99.
        Assert.Equal(new[] { 5, 5, 5 }, Polylines(figures["latency"]).Where(n => n > 2));
        // Heights 10..14 and 16: four intervals between consecutive heights, none across the gap at 15.
        Assert.Equal(new[] { 4 }, Polylines(figures["block-interval"]).Where(n => n > 2));
        // Six blocks, all txs and ours.
        Assert.Equal(new[] { 6, 6 }, Polylines(figures["block-size"]).Where(n => n > 2));
        // Five samples per node; the gap of the last node at second 6 ends its line after three.
        var mempool = Polylines(figures["mempool"]);
        Assert.Equal(3, mempool.Count(n => n == 5));
        Assert.Equal(1, mempool.Count(n => n == 3));
        Assert.DoesNotContain(ReportPlots.NotInReport, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Clip_paths_of_the_plots_do_not_share_ids_on_the_page()
    {
        var html = HtmlReport.Render(Known());

        var ids = IdPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();
        var references = ClipReferencePattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(references);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(references, r => Assert.Contains(r, ids));
        // Each figure's SVG uses only its own clip paths.
        foreach (var (id, figure) in Figures(html))
        {
            Assert.All(ClipReferencePattern().Matches(figure), m => Assert.StartsWith(id + "-", m.Groups[1].Value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Mempool_legend_names_every_node_and_strings_come_out_escaped()
    {
        var html = HtmlReport.Render(Known());

        var legend = Texts(Figures(html)["mempool"]);
        foreach (var node in Nodes[..3])
        {
            Assert.Contains(node, legend);
        }

        Assert.Contains("&lt;script&gt;alert(", Figures(html)["mempool"], StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;b&gt;full&lt;/b&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.Contains("--gas 100000", html, StringComparison.Ordinal);
        Assert.Contains("2026-11-26 15:00:00 UTC", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_without_committed_txs_says_so_instead_of_a_latency_plot()
    {
        var report = Known() with { Committed = 0, BlockLog = [Block(10, 0, 0, null)] };

        var figures = Figures(HtmlReport.Render(report));

        Assert.Empty(Svgs(figures["latency"]));
        Assert.Contains("none of the run&#39;s txs were committed", figures["latency"], StringComparison.Ordinal);
        Assert.Contains("fewer than two consecutive heights", figures["block-interval"], StringComparison.Ordinal);
    }

    [Fact]
    public void Json_report_keeps_the_new_series_when_read_back()
    {
        using var home = new TempHome();
        var path = home.PathOf("load.json");
        var report = Known();

        report.WriteJson(path);
        var read = LoadReport.Read(path);

        Assert.Equal(report.GeneratedAt, read.GeneratedAt);
        Assert.Equal(report.Settings!.MaxInFlight, read.Settings!.MaxInFlight);
        Assert.Equal(report.Nodes, read.Nodes);
        Assert.Equal(report.BlockLog.Select(b => b.OurLatencyMs), read.BlockLog.Select(b => b.OurLatencyMs));
        Assert.Equal(HtmlReport.Render(report), HtmlReport.Render(read));
    }

    [Fact]
    public void Build_gives_each_block_the_latency_percentiles_of_the_txs_it_committed()
    {
        long f = Stopwatch.Frequency;
        long Ms(double ms) => (long)(ms * f / 1000);
        // Four txs sent at 0 ms; three committed at height 5 (read at 400 ms) and one at height 6 (read at 900 ms).
        long[] sentAt = [0, 0, 0, 0];
        long[] committedAt = [Ms(400), Ms(400), Ms(400), Ms(900)];
        ulong[] height = [5, 5, 5, 6];
        var blocks = new List<BlockSeen> { new(6, 0.9, 2_000_000_000, 1, 1, 0), new(5, 0.4, 1_000_000_000, 3, 3, 0) };
        var options = new LoadOptions { Nodes = ["127.0.0.1:1"], Watch = "127.0.0.1:1", Rate = 4, Duration = TimeSpan.FromSeconds(1), Accounts = 4 };

        var report = LoadReport.Build(options, 4, 0, 0, sentAt, [Ms(1), Ms(1), Ms(1), Ms(1)], committedAt, height, [1, 1, 1, 1], [0, 0, 0, 0],
            new Dictionary<string, int>(), new Dictionary<string, int>(), blocks, [], options.Nodes, new Dictionary<string, int>());

        Assert.Equal([5UL, 6UL], report.BlockLog.Select(b => b.Height));
        Assert.Equal(3, report.BlockLog[0].OurLatencyMs!.Count);
        Assert.Equal(400, report.BlockLog[0].OurLatencyMs!.Median, 1);
        Assert.Equal(1, report.BlockLog[1].OurLatencyMs!.Count);
        Assert.Equal(900, report.BlockLog[1].OurLatencyMs!.Max, 1);
        Assert.Equal(options.Accounts, report.Settings!.Accounts);
        Assert.NotNull(report.GeneratedAt);
    }

    [Fact]
    public async Task Report_command_renders_an_older_json_report_with_notes_for_what_it_lacks()
    {
        using var home = new TempHome();
        var source = home.PathOf("load-1000.json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "LoadReports", "report-before-html.json"), source);

        var (code, output, error) = await Loadgen("report", source);

        Assert.True(code == 0, error);
        var target = home.PathOf("load-1000.html");
        Assert.Contains(target, output, StringComparison.Ordinal);
        var figures = Figures(File.ReadAllText(target));
        Assert.Empty(Svgs(figures["latency"]));
        Assert.Contains(ReportPlots.NotInReport, figures["latency"], StringComparison.Ordinal);
        // The per-second, per-node and per-block series that older reports hold are drawn.
        Assert.Equal(new[] { 6, 6, 6 }, Polylines(figures["throughput"]).Where(n => n > 2));
        Assert.Equal(3, Polylines(figures["mempool"]).Count(n => n == 4));
        Assert.Equal(new[] { 3 }, Polylines(figures["block-interval"]).Where(n => n > 2));
        Assert.Contains("127.0.0.1:26631", Texts(figures["mempool"]));
        Assert.Contains("<th>--gas</th><td>not in this report</td>", File.ReadAllText(target), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_command_writes_where_html_says()
    {
        using var home = new TempHome();
        var source = home.PathOf("run.json");
        Known().WriteJson(source);
        var target = home.PathOf("pages/run-page.html");
        Directory.CreateDirectory(home.PathOf("pages"));

        var (code, _, error) = await Loadgen("report", source, "--html", target);

        Assert.True(code == 0, error);
        Assert.Equal(5, Figures(File.ReadAllText(target)).Values.Sum(f => Svgs(f).Count));
        Assert.False(File.Exists(home.PathOf("run.html")));
    }

    [Theory]
    [InlineData("{\"height\": 5, \"txs\": []}", "is not a load report")]
    [InlineData("[1, 2, 3]", "is not a load report")]
    [InlineData("not json at all", "is not a load report")]
    [InlineData("{\"series\": []}", "offered_rate")]
    [InlineData("{}", "missing required properties")]
    [InlineData("NULL_SERIES", "series holds a null")]
    [InlineData("FAR_SECOND", "series second 2000000000 is outside")]
    public async Task Report_command_refuses_a_file_that_is_not_a_load_report_and_writes_nothing(string content, string message)
    {
        using var home = new TempHome();
        var source = home.PathOf("other.json");
        // A report with a null in its series, or a second so far that drawing every second up to it would never end.
        string known = Json(Known());
        File.WriteAllText(source, content switch
        {
            "NULL_SERIES" => known.Replace("\"series\": [", "\"series\": [ null,", StringComparison.Ordinal),
            "FAR_SECOND" => known.Replace("\"second\": 7,", "\"second\": 2000000000,", StringComparison.Ordinal),
            _ => content,
        });

        var (code, output, error) = await Loadgen("report", source);

        Assert.Equal(2, code);
        Assert.StartsWith("error: " + source, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
        Assert.Equal([source], Directory.GetFiles(home.Root));
    }

    [Fact]
    public async Task Report_command_refuses_a_missing_file_and_one_that_would_overwrite_itself()
    {
        using var home = new TempHome();
        var missing = await Loadgen("report", home.PathOf("none.json"));
        var page = home.PathOf("page.html");
        File.WriteAllText(page, "<p>kept</p>");
        var self = await Loadgen("report", page);

        Assert.Equal(2, missing.Code);
        Assert.Contains("no such file", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, self.Code);
        Assert.Contains("would overwrite the report", self.Error, StringComparison.Ordinal);
        Assert.Equal("<p>kept</p>", File.ReadAllText(page));
    }

    [Fact]
    public async Task Run_refuses_report_paths_it_could_not_write_before_sending_anything()
    {
        using var home = new TempHome();
        var json = home.PathOf("load.html");

        var same = await Loadgen("run", "--nodes", "127.0.0.1:9", "--json", json);
        var noDirectory = await Loadgen("run", "--nodes", "127.0.0.1:9", "--html", home.PathOf("absent/load.html"));

        Assert.Equal(2, same.Code);
        Assert.Contains("name the same file", same.Error, StringComparison.Ordinal);
        Assert.Equal(2, noDirectory.Code);
        Assert.Contains("does not exist", noDirectory.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(home.Root));
    }

    /// <summary>A report with every series: seconds 2, 3, 5, 6 and 7 (4 has no row), heights 10..14 and 16.</summary>
    private static LoadReport Known()
    {
        // The last node did not answer at second 6.
        long[][] mempools = [[5, 6, 7, 8], [15, 16, 17, 18], [25, 26, 27, 28], [35, 36, 37, -1], [45, 46, 47, 48]];
        var series = new[] { 2, 3, 5, 6, 7 }.Select((second, i) => new SecondStats
        {
            Second = second, Sent = 100, Accepted = 90, Committed = second * 10, Mempool = mempools[i], Heights = [10, 10, 10, 10],
        }).ToList();
        var p = new Percentiles(10, 400, 700, 900, 950);
        return new LoadReport
        {
            GeneratedAt = new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero),
            Settings = new RunSettings
            {
                Nodes = Nodes, Watch = Nodes[0], Rate = 100, DurationSeconds = 6, Accounts = 4000, FirstAccount = 0, Gas = 100_000, Fee = 1000,
                MaxInFlight = 4000, DrainSeconds = 30,
            },
            OfferedRate = 100,
            DurationSeconds = 6,
            Accounts = 4000,
            Nodes = Nodes,
            Watch = Nodes[0],
            Planned = 600,
            Sent = 500,
            SendRate = 99.5,
            HeldBackRounds = 0,
            Accepted = 450,
            Refused = 50,
            RefusedBy = new Dictionary<string, int> { ["code 20 (tx): <b>full</b> & more"] = 50 },
            RpcErrors = 0,
            RpcErrorsBy = new Dictionary<string, int>(),
            Committed = 300,
            CommittedFailed = 0,
            Lost = 150,
            SustainedTxPerSecond = 60,
            FirstCommitAt = 2.5,
            LastCommitAt = 7.5,
            CommitLatencyMs = p,
            BroadcastAnswerMs = p,
            Blocks = 6,
            BlockIntervalMs = p,
            HeightsPastRoundZero = 0,
            MaxRound = 0,
            TxsPerBlockMean = 50,
            TxsPerBlockMax = 80,
            MaxMempoolPerNode = [55, 56, 57, 58],
            Series = series,
            BlockLog = [Block(10, 20, 20, p), Block(11, 40, 30, p), Block(12, 60, 50, p), Block(13, 80, 80, p), Block(14, 30, 0, null), Block(16, 50, 50, p)],
            WatchErrors = new Dictionary<string, int>(),
        };
    }

    private static string Json(LoadReport report)
    {
        using var home = new TempHome();
        report.WriteJson(home.PathOf("report.json"));
        return File.ReadAllText(home.PathOf("report.json"));
    }

    private static BlockSeen Block(ulong height, int txs, int ours, Percentiles? latency) =>
        new(height, height - 7.5, (long)height * 700_000_000L, txs, ours, 0) { OurLatencyMs = latency };

    private static async Task<(int Code, string Output, string Error)> Loadgen(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        int code = await Chain.LoadGen.Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Each figure's inner HTML by its id, in page order.</summary>
    private static Dictionary<string, string> Figures(string html) =>
        FigurePattern().Matches(html).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static List<string> Svgs(string figure) => SvgPattern().Matches(figure).Select(m => m.Value).ToList();

    /// <summary>The vertex count of each polyline, in drawing order.</summary>
    private static List<int> Polylines(string svg) =>
        PolylinePattern().Matches(svg).Select(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length).ToList();

    private static List<string> Texts(string svg) =>
        TextPattern().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex("<figure id=\"([^\"]+)\">(.*?)</figure>", RegexOptions.Singleline)]
    private static partial Regex FigurePattern();

    [GeneratedRegex("<svg[ >].*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgPattern();

    [GeneratedRegex("<polyline points=\"([^\"]*)\"")]
    private static partial Regex PolylinePattern();

    [GeneratedRegex(" id=\"([^\"]+)\"")]
    private static partial Regex IdPattern();

    [GeneratedRegex("url\\(#([^)]+)\\)")]
    private static partial Regex ClipReferencePattern();

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex TextPattern();
}
