namespace Chain.Node.Tests.Cli;

public sealed class ClientCommandTests
{
    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static string ClosedAddress() => $"127.0.0.1:{TestNode.FreePort()}";

    [Fact]
    public async Task Unreachable_node_is_one_clear_line()
    {
        using var temp = new TempHome();
        var node = ClosedAddress();

        var run = await CliRun.Invoke(temp.Root, ["status", "--node", node]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.StartsWith($"Error: cannot reach the node at {node}", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Default_node_comes_from_the_home_config()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);
        var node = ClosedAddress();
        var env = new Dictionary<string, string> { ["CHAIND_GRPC_ADDRESS"] = node };

        var run = await CliRun.Invoke(temp.Root, ["query", "bank", "supply"], environment: env);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"Error: cannot reach the node at {node}", run.Error);
    }

    [Theory]
    [InlineData("query", "bank", "balance", "chain1xyz")]
    [InlineData("query", "bank", "account", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")]
    [InlineData("query", "tx", "abcd")]
    [InlineData("query", "bank", "supply", "--denom", "X")]
    public async Task Bad_input_is_rejected_before_any_call(params string[] args)
    {
        using var temp = new TempHome();

        var run = await CliRun.Invoke(temp.Root, [.. args, "--node", ClosedAddress()]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error);
        Assert.DoesNotContain("cannot reach", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task Tx_and_query_list_the_commands_of_the_catalog_modules()
    {
        using var temp = new TempHome();

        var tx = await CliRun.Invoke(temp.Root, ["tx", "--help"]);
        var query = await CliRun.Invoke(temp.Root, ["query", "--help"]);
        var bank = await CliRun.Invoke(temp.Root, ["query", "bank", "--help"]);

        Assert.Equal(0, tx.ExitCode);
        Assert.Matches(@"(?m)^ +bank\s", tx.Output);
        Assert.Matches(@"(?m)^ +market\s", tx.Output);
        foreach (var name in new[] { "bank", "market", "tx", "block" })
        {
            Assert.Matches($@"(?m)^ +{name}\s", query.Output);
        }

        foreach (var name in new[] { "balance", "account", "supply", "params" })
        {
            Assert.Matches($@"(?m)^ +{name}\s", bank.Output);
        }
    }

    [Fact]
    public async Task Bad_node_address_is_rejected()
    {
        using var temp = new TempHome();

        var run = await CliRun.Invoke(temp.Root, ["status", "--node", "not an address"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: --node 'not an address' is not host:port", run.Error);
    }

    [Theory]
    [InlineData("chain1xyz", "5uchn", "invalid recipient address")]
    [InlineData("", "0uchn", "amounts must be above 0")]
    [InlineData("", "5", "invalid amount")]
    [InlineData("", "5uchn,5uchn", "appears more than once")]
    public async Task Send_checks_its_arguments_first(string to, string amount, string expected)
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);
        var self = (await CliRun.Invoke(temp.Root, ["keys", "show", "validator", "-a"])).Output.Trim();

        var run = await CliRun.Invoke(temp.Root, ["tx", "bank", "send", "validator", to.Length == 0 ? self : to, amount, "--node", ClosedAddress()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Error);
    }

    [Fact]
    public async Task Send_from_a_missing_key_says_so()
    {
        using var temp = new TempHome();

        var run = await CliRun.Invoke(temp.Root, ["tx", "bank", "send", "ghost", "chain1xyz", "1uchn"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("key 'ghost' not found", run.Error);
    }
}
