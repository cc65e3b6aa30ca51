using Chain.Node.Tests.Cli;

namespace Chain.Node.Tests.Market;

/// <summary>`chaind tx market` and `chaind query market` refuse bad input with one clear line before calling any node.</summary>
public sealed class MarketCliTests
{
    private static string ClosedAddress() => $"127.0.0.1:{TestNode.FreePort()}";

    [Theory]
    [InlineData("invalid --state 'bogus': one of open, active, closed", "query", "market", "orders", "--state", "bogus")]
    [InlineData("invalid --state 'open': one of active, insufficient_funds, closed", "query", "market", "leases", "--state", "open")]
    [InlineData("invalid --owner", "query", "market", "leases", "--owner", "chain1xyz")]
    [InlineData("invalid --provider", "query", "market", "bids", "--provider", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")]
    [InlineData("invalid --page-key 'xyz'", "query", "market", "providers", "--page-key", "xyz")]
    [InlineData("invalid --max-price '5uatom'", "tx", "market", "create-order", "tenant", "--max-price", "5uatom", "--deposit", "5chn")]
    [InlineData("invalid --deposit '0chn'", "tx", "market", "create-order", "tenant", "--max-price", "5uchn", "--deposit", "0chn")]
    [InlineData("invalid price: amount 'ten'", "tx", "market", "bid", "tenant", "1", "ten")]
    public async Task Bad_input_is_refused_before_any_call(string error, params string[] args)
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["keys", "add", "tenant"]);

        var run = await CliRun.Invoke(temp.Root, [.. args, "--node", ClosedAddress()]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: " + error, run.Error);
        Assert.DoesNotContain("cannot reach", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task Market_commands_are_listed_under_tx_and_query()
    {
        using var temp = new TempHome();
        var tx = await CliRun.Invoke(temp.Root, ["tx", "market", "--help"]);
        var query = await CliRun.Invoke(temp.Root, ["query", "market", "--help"]);

        foreach (var name in new[] { "create-provider", "update-provider", "delete-provider", "create-order", "close-order", "bid", "close-bid", "accept-bid", "close-lease", "deposit", "withdraw" })
        {
            Assert.Contains(name, tx.Output, StringComparison.Ordinal);
        }

        foreach (var name in new[] { "params", "provider", "providers", "order", "orders", "bid", "bids", "lease", "leases", "escrow" })
        {
            Assert.Contains(name, query.Output, StringComparison.Ordinal);
        }
    }
}
