using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Chain.LoadGen;

/// <summary>
/// The plots of the HTML report, as OxyPlot models exported to inline SVG. A plot whose series the report lacks
/// (an older report, or a run that committed nothing) is a <see cref="Plot"/> with no SVG and a note saying why.
/// </summary>
public static class ReportPlots
{
    public const double Width = 1150;

    public const double Height = 380;

    /// <summary>What the HTML shows in place of a plot whose series an older report did not record.</summary>
    public const string NotInReport = "not in this report";

    /// <summary>Ten colours told apart also in print (the Tableau 10 palette); nodes beyond ten reuse them.</summary>
    public static readonly IReadOnlyList<string> Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>One plot: its id and title, and either its SVG or a note why there is none.</summary>
    public sealed record Plot(string Id, string Title, string? Svg, string? Note);

    public static IReadOnlyList<Plot> All(LoadReport report) =>
    [
        Throughput(report),
        Latency(report),
        Mempool(report),
        BlockInterval(report),
        BlockSize(report),
    ];

    /// <summary>Sent, accepted and committed txs in each second of the run (seconds with none count 0).</summary>
    public static Plot Throughput(LoadReport report)
    {
        const string id = "throughput", title = "Committed, sent and accepted tx/s";
        if (report.Series.Count == 0)
        {
            return new Plot(id, title, null, "no seconds in this report");
        }

        var bySecond = report.Series.ToDictionary(s => s.Second);
        int first = report.Series.Min(s => s.Second), last = report.Series.Max(s => s.Second);
        var model = Model("time since the first send", "s", "txs per second", "tx/s");
        var committed = Line("committed", 0);
        var sent = Line("sent", 1);
        var accepted = Line("accepted", 2);
        // Drawn last and dashed: when every tx is accepted, sent lies on the accepted line.
        sent.LineStyle = LineStyle.Dash;
        for (int second = first; second <= last; second++)
        {
            var row = bySecond.GetValueOrDefault(second);
            committed.Points.Add(new DataPoint(second, row?.Committed ?? 0));
            sent.Points.Add(new DataPoint(second, row?.Sent ?? 0));
            accepted.Points.Add(new DataPoint(second, row?.Accepted ?? 0));
        }

        model.Series.Add(committed);
        model.Series.Add(accepted);
        model.Series.Add(sent);
        return Export(id, title, model);
    }

    /// <summary>Median, p90 and p99 commit latency of our txs in each block, at the moment the block was read.</summary>
    public static Plot Latency(LoadReport report)
    {
        const string id = "latency", title = "Commit latency of the txs in each block";
        var blocks = report.BlockLog.Where(b => b.OurLatencyMs is not null).ToList();
        if (blocks.Count == 0)
        {
            bool recorded = report.Committed == 0 || report.BlockLog.Any(b => b.OurLatencyMs is not null);
            return new Plot(id, title, null, recorded ? "none of the run's txs were committed" : NotInReport + " (per-block latency is recorded since the HTML report)");
        }

        var model = Model("time since the first send (block read)", "s", "latency", "ms");
        var median = Line("median", 0);
        var p90 = Line("p90", 1);
        var p99 = Line("p99", 3);
        foreach (var b in blocks)
        {
            median.Points.Add(new DataPoint(b.SeenAt, b.OurLatencyMs!.Median));
            p90.Points.Add(new DataPoint(b.SeenAt, b.OurLatencyMs.P90));
            p99.Points.Add(new DataPoint(b.SeenAt, b.OurLatencyMs.P99));
        }

        Markers(median, p90, p99);
        model.Series.Add(median);
        model.Series.Add(p90);
        model.Series.Add(p99);
        return Export(id, title, model);
    }

    /// <summary>Each node's mempool size, sampled once a second; a node that did not answer leaves a gap.</summary>
    public static Plot Mempool(LoadReport report)
    {
        const string id = "mempool", title = "Mempool size per node";
        var samples = report.Series.Where(s => s.Mempool is not null).ToList();
        if (samples.Count == 0)
        {
            return new Plot(id, title, null, NotInReport);
        }

        var model = Model("time since the first send", "s", "txs in the mempool", "txs");
        int nodes = Math.Max(report.Nodes.Count, samples.Max(s => s.Mempool!.Length));
        for (int i = 0; i < nodes; i++)
        {
            var line = Line(i < report.Nodes.Count ? report.Nodes[i] : $"node {i}", i);
            foreach (var s in samples)
            {
                long size = i < s.Mempool!.Length ? s.Mempool[i] : -1;
                line.Points.Add(size >= 0 ? new DataPoint(s.Second, size) : DataPoint.Undefined);
            }

            model.Series.Add(line);
        }

        return Export(id, title, model);
    }

    /// <summary>Time between a block's header and the previous height's (consecutive heights only).</summary>
    public static Plot BlockInterval(LoadReport report)
    {
        const string id = "block-interval", title = "Block interval per height";
        var line = Line("interval from the previous height", 0);
        for (int i = 1; i < report.BlockLog.Count; i++)
        {
            var (previous, block) = (report.BlockLog[i - 1], report.BlockLog[i]);
            if (block.Height == previous.Height + 1)
            {
                line.Points.Add(new DataPoint(block.Height, (block.HeaderTimeUnixNanos - previous.HeaderTimeUnixNanos) / 1e6));
            }
        }

        if (line.Points.Count == 0)
        {
            return new Plot(id, title, null, "fewer than two consecutive heights in this report");
        }

        var model = Model("height", null, "interval", "ms");
        Markers(line);
        model.Series.Add(line);
        return Export(id, title, model);
    }

    /// <summary>Txs in each block: all of them, and the run's own.</summary>
    public static Plot BlockSize(LoadReport report)
    {
        const string id = "block-size", title = "Block size per height";
        if (report.BlockLog.Count == 0)
        {
            return new Plot(id, title, null, "no blocks in this report");
        }

        var model = Model("height", null, "txs in the block", "txs");
        var all = Line("all txs", 0);
        var ours = Line("the run's txs", 1);
        // Usually all of a block's txs are the run's: the wide line stays visible under the dashed one.
        all.StrokeThickness = 4;
        ours.LineStyle = LineStyle.Dash;
        foreach (var b in report.BlockLog)
        {
            all.Points.Add(new DataPoint(b.Height, b.Txs));
            ours.Points.Add(new DataPoint(b.Height, b.OurTxs));
        }

        Markers(all, ours);
        model.Series.Add(all);
        model.Series.Add(ours);
        return Export(id, title, model);
    }

    private static PlotModel Model(string xTitle, string? xUnit, string yTitle, string yUnit)
    {
        var model = new PlotModel
        {
            // The HTML figure's caption is the title: the plot area keeps the height.
            Culture = CultureInfo.InvariantCulture,
            Background = OxyColors.White,
            DefaultFont = "Helvetica, Arial, sans-serif",
            DefaultFontSize = 13,
            PlotAreaBorderColor = OxyColor.FromRgb(0x99, 0x99, 0x99),
        };
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom,
            Title = xTitle,
            Unit = xUnit,
            MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = OxyColor.FromRgb(0xe6, 0xe6, 0xe6),
            TickStyle = TickStyle.Outside,
            StringFormat = "#,0.##",
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left,
            Title = yTitle,
            Unit = yUnit,
            Minimum = 0,
            MaximumPadding = 0.05,
            MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = OxyColor.FromRgb(0xe6, 0xe6, 0xe6),
            TickStyle = TickStyle.Outside,
            StringFormat = "#,0.##",
        });
        model.Legends.Add(new Legend
        {
            LegendPosition = LegendPosition.TopLeft,
            LegendPlacement = LegendPlacement.Outside,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendItemSpacing = 24,
            LegendBackground = OxyColors.White,
            LegendBorder = OxyColor.FromRgb(0x99, 0x99, 0x99),
        });
        return model;
    }

    private static LineSeries Line(string title, int colour) => new()
    {
        Title = title,
        Color = OxyColor.Parse(Palette[colour % Palette.Count]),
        StrokeThickness = 1.8,
        MarkerType = MarkerType.None,
    };

    /// <summary>Marks each point too: block series are sparse, and a lone block would otherwise not show.</summary>
    private static void Markers(params LineSeries[] lines)
    {
        foreach (var line in lines)
        {
            line.MarkerType = MarkerType.Circle;
            line.MarkerSize = 2.5;
            line.MarkerFill = line.Color;
        }
    }

    /// <summary>
    /// Exports the model as an SVG element. OxyPlot numbers its clip paths clipPath1, clipPath2, ... in every SVG, and
    /// ids are shared by the whole HTML page, so each plot's are prefixed with its id: otherwise a plot is clipped by
    /// the first plot's rectangles and loses part of its legend.
    /// </summary>
    private static Plot Export(string id, string title, PlotModel model)
    {
        string svg = SvgExporter.ExportToString(model, Width, Height, isDocument: false, new PixelTextMeasurer(Width, Height))
            .Replace("id=\"clipPath", $"id=\"{id}-clipPath", StringComparison.Ordinal)
            .Replace("url(#clipPath", $"url(#{id}-clipPath", StringComparison.Ordinal);
        return new Plot(id, title, svg, null);
    }
}
