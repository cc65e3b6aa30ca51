using System.Globalization;
using System.Text.RegularExpressions;
using Chain.LoadGen;
using Chain.Modules.Bank.Genesis;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Types;

namespace Chain.Node.Tests.LoadReports;

/// <summary>A test node whose genesis funds the load generator's first <see cref="Accounts"/> accounts.</summary>
public sealed class LoadNode : IAsyncLifetime
{
    public const int Accounts = 8;

    public TestNode Node { get; } = TestNode.WithGenesis(genesis =>
    {
        foreach (var key in LoadAccounts.Keys(Accounts))
        {
            var balance = new Balance { Address = Crypto.Address.ToBech32(key.Address) };
            balance.Coins.Add(new Coin { Denom = Coins.BaseDenom, Amount = LoadAccounts.Funds });
            BankGenesis.Fund(genesis, balance);
        }
    });

    public Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();
}

/// <summary>`loadgen run --json` against a real node writes the JSON report and its HTML page beside it.</summary>
public sealed partial class LoadRunAgainstNodeTests(LoadNode fixture) : IClassFixture<LoadNode>
{
    [Fact]
    public async Task Run_with_json_writes_the_html_page_beside_it_with_the_latency_of_each_block()
    {
        using var home = new TempHome();
        var json = home.PathOf("load-20.json");
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);

        int code = await Chain.LoadGen.Program.Run(
            ["run", "--nodes", fixture.Node.Address, "--rate", "20", "--duration", "1", "--accounts", LoadNode.Accounts.ToString(CultureInfo.InvariantCulture),
             "--drain", "30", "--json", json],
            output,
            error);

        Assert.True(code == 0, $"{output}\n{error}");
        var html = home.PathOf("load-20.html");
        Assert.Contains($"Report written to {json}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"HTML report written to {html}", output.ToString(), StringComparison.Ordinal);

        var report = LoadReport.Read(json);
        Assert.Equal(20, report.Accepted);
        Assert.Equal(20, report.Committed);
        Assert.Equal(LoadNode.Accounts, report.Settings!.Accounts);
        var withOurs = report.BlockLog.Where(b => b.OurTxs > 0).ToList();
        Assert.NotEmpty(withOurs);
        Assert.All(withOurs, b => Assert.Equal(b.OurTxs, b.OurLatencyMs!.Count));
        Assert.Equal(20, withOurs.Sum(b => b.OurLatencyMs!.Count));

        var page = File.ReadAllText(html);
        var latency = LatencyFigure().Match(page).Groups[1].Value;
        Assert.DoesNotContain(ReportPlots.NotInReport, page, StringComparison.Ordinal);
        Assert.Contains("<svg", latency, StringComparison.Ordinal);
        Assert.Contains(fixture.Node.Address, page, StringComparison.Ordinal);
    }

    [GeneratedRegex("<figure id=\"latency\">(.*?)</figure>", RegexOptions.Singleline)]
    private static partial Regex LatencyFigure();
}
