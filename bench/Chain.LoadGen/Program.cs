using System.CommandLine;
using System.Globalization;

namespace Chain.LoadGen;

/// <summary>
/// loadgen fund: adds N funded load accounts to every genesis of a testnet before it first starts.
/// loadgen run: sends signed transfers at a rate for a duration and reports acceptance, committed tx/s and commit latency.
/// loadgen report: renders the JSON report of an earlier run as the HTML page that run --json writes beside it.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs one command, writing what it prints to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static Task<int> Run(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var homes = new Option<string>("--homes") { Description = "Directory of the testnet's node homes", DefaultValueFactory = _ => "testnet/.homes" };
        var fundAccounts = new Option<int>("--accounts") { Description = "Number of load accounts to fund", DefaultValueFactory = _ => 4000 };
        var fund = new Command("fund", "Add funded load accounts to the genesis of every home (before the testnet first starts)") { homes, fundAccounts };
        fund.SetAction(parse => Guard(error, () => GenesisFunding.Run(parse.GetRequiredValue(homes), parse.GetValue(fundAccounts), output)));

        var nodes = new Option<string>("--nodes") { Description = "Comma-separated gRPC addresses (host:port) to send to; account i sends to node i mod N", Required = true };
        var watch = new Option<string?>("--watch") { Description = "gRPC address whose committed blocks time the txs (default: the first of --nodes)" };
        var rate = new Option<double>("--rate") { Description = "Offered load in tx/s", DefaultValueFactory = _ => 500 };
        var duration = new Option<double>("--duration") { Description = "Seconds of sending", DefaultValueFactory = _ => 30 };
        var accounts = new Option<int>("--accounts") { Description = "Load accounts that send (must be funded)", DefaultValueFactory = _ => 4000 };
        var firstAccount = new Option<int>("--first-account") { Description = "Index of the first load account used", DefaultValueFactory = _ => 0 };
        var gas = new Option<ulong>("--gas") { Description = "Gas limit per tx (a block holds block_max_gas / gas txs)", DefaultValueFactory = _ => 100_000 };
        var fee = new Option<ulong?>("--fee") { Description = "Fee per tx in uchn (default: gas x 0.01, the default minimum gas price)" };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Most BroadcastTx calls waiting for an answer at once", DefaultValueFactory = _ => 4000 };
        var batch = new Option<int>("--batch")
        {
            Description = $"Most txs per call: 1 sends one BroadcastTx per tx; up to {Chain.Node.Api.TxApi.MaxBatchTxs} sends BroadcastTxs batches, one call in flight per node",
            DefaultValueFactory = _ => 1,
        };
        var drain = new Option<double>("--drain") { Description = "Seconds without a new commit after which the run stops waiting for accepted txs", DefaultValueFactory = _ => 30 };
        var json = new Option<string?>("--json") { Description = "Also write the report, with per-second and per-block series, to this JSON file, and its HTML page beside it (FILE with the extension .html)" };
        var html = new Option<string?>("--html") { Description = "Write the HTML page of the report (summary, options and plots) to this file instead" };
        var run = new Command("run", "Send signed transfers at a rate and report accepted, committed tx/s and commit latency")
        {
            nodes, watch, rate, duration, accounts, firstAccount, gas, fee, maxInFlight, batch, drain, json, html,
        };
        run.SetAction((parse, token) => GuardAsync(error, async () =>
        {
            var nodeList = parse.GetRequiredValue(nodes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(a => NodeClients.ParseAddress(a, "--nodes")).ToList();
            if (nodeList.Count == 0)
            {
                throw new LoadGenException("--nodes: give at least one host:port");
            }

            var options = Validate(new LoadOptions
            {
                Nodes = nodeList,
                Watch = parse.GetValue(watch) is { } w ? NodeClients.ParseAddress(w, "--watch") : nodeList[0],
                Rate = parse.GetValue(rate),
                Duration = TimeSpan.FromSeconds(Check(parse.GetValue(duration), "--duration", 0.1, 3600)),
                Accounts = parse.GetValue(accounts),
                FirstAccount = parse.GetValue(firstAccount),
                GasLimit = parse.GetValue(gas),
                Fee = parse.GetValue(fee) ?? (ulong)Math.Ceiling(parse.GetValue(gas) * 0.01),
                MaxInFlight = parse.GetValue(maxInFlight),
                Batch = parse.GetValue(batch),
                Drain = TimeSpan.FromSeconds(Check(parse.GetValue(drain), "--drain", 0, 3600)),
                JsonPath = parse.GetValue(json),
            });
            string? jsonPath = options.JsonPath;
            string? htmlPath = parse.GetValue(html) ?? (jsonPath is null ? null : HtmlReport.PathBeside(jsonPath));
            CheckOutputs(jsonPath, htmlPath);
            double spacing = options.Accounts / options.Rate;
            if (spacing < 1)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"warning: each account sends every {spacing:0.00} s; a tx waits for its account's previous answer, so slow answers will hold the rate back (use more --accounts)"));
            }

            var report = await new LoadRunner(options, output).RunAsync(token);
            report.Print(output);
            if (jsonPath is not null)
            {
                report.WriteJson(jsonPath);
                output.WriteLine($"Report written to {jsonPath}");
            }

            if (htmlPath is not null)
            {
                HtmlReport.Write(report, htmlPath);
                output.WriteLine($"HTML report written to {htmlPath}");
            }

            return 0;
        }));

        var reportFile = new Argument<string>("FILE") { Description = "JSON report written by loadgen run --json" };
        var reportHtml = new Option<string?>("--html") { Description = "Where to write the HTML page (default: FILE with the extension .html)" };
        var report = new Command("report", "Render the JSON report of an earlier run as a self-contained HTML page with plots") { reportFile, reportHtml };
        report.SetAction(parse => Guard(error, () =>
        {
            string source = parse.GetRequiredValue(reportFile);
            string target = parse.GetValue(reportHtml) ?? HtmlReport.PathBeside(source);
            if (SamePath(source, target))
            {
                throw new LoadGenException($"{source}: the HTML page would overwrite the report; give --html OUT");
            }

            CheckOutputs(null, target);
            var loaded = LoadReport.Read(source);
            HtmlReport.Write(loaded, target);
            output.WriteLine($"HTML report written to {target}");
            return 0;
        }));

        var root = new RootCommand("loadgen: signed-transfer load for a local testnet (see docs/benchmarks.md, Load generator)") { fund, run, report };
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }

    /// <summary>Refuses, before a run starts, output files that could not be written at its end.</summary>
    private static void CheckOutputs(string? jsonPath, string? htmlPath)
    {
        if (jsonPath is not null && htmlPath is not null && SamePath(jsonPath, htmlPath))
        {
            throw new LoadGenException($"--json {jsonPath} and the HTML page name the same file; give --html OUT");
        }

        foreach (var (flag, path) in new[] { ("--json", jsonPath), ("--html", htmlPath) })
        {
            if (path is null)
            {
                continue;
            }

            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new LoadGenException($"{flag} {path}: directory {directory} does not exist");
            }

            if (Directory.Exists(path))
            {
                throw new LoadGenException($"{flag} {path}: is a directory");
            }
        }
    }

    private static bool SamePath(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    private static LoadOptions Validate(LoadOptions o)
    {
        Check(o.Rate, "--rate", 0.001, 100_000);
        if (o.Accounts < 1 || o.FirstAccount < 0 || (long)o.FirstAccount + o.Accounts > 1_000_000)
        {
            throw new LoadGenException($"--accounts {o.Accounts} --first-account {o.FirstAccount}: expected at least 1 account, a first index of 0 or more, and at most 1,000,000 in all");
        }

        if (o.GasLimit == 0)
        {
            throw new LoadGenException("--gas 0: a transfer needs gas");
        }

        if (o.MaxInFlight < 1)
        {
            throw new LoadGenException($"--max-in-flight {o.MaxInFlight}: expected at least 1");
        }

        if (o.Batch < 1 || o.Batch > Chain.Node.Api.TxApi.MaxBatchTxs)
        {
            throw new LoadGenException($"--batch {o.Batch}: expected 1 to {Chain.Node.Api.TxApi.MaxBatchTxs} txs per call");
        }

        return o;
    }

    private static double Check(double value, string option, double min, double max) =>
        double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw new LoadGenException(string.Create(CultureInfo.InvariantCulture, $"{option} {value}: expected a number from {min} to {max}"));

    private static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is LoadGenException or Chain.Node.Genesis.GenesisException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + e.Message);
            return 2;
        }
    }

    private static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is LoadGenException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return 130;
        }
    }
}
