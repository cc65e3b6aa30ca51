using Chain.Agents;
using Chain.Agents.Provider;

namespace Chain.Node.Tests.Agents;

/// <summary>provider.toml: documented defaults, and every unknown key or bad value stops the agent with a message naming it.</summary>
public sealed class ProviderConfigTests
{
    private static ProviderConfig Parse(string text) => ProviderConfig.Read(TomlSettings.Parse(text, "provider.toml"));

    [Fact]
    public void Defaults_fill_what_the_file_leaves_out()
    {
        var c = Parse("key = \"provider\"");
        Assert.Equal("127.0.0.1:9090", c.Agent.Node);
        Assert.Equal("auto", c.Device);
        Assert.Equal(1u, c.Gpus);
        Assert.Equal(4u, c.MaxOpenBids);
        Assert.Equal(100_000_000UL, c.BidDepositBudget);
        Assert.Equal(1UL, c.UndercutStep);
        Assert.Equal(100UL, c.WithdrawEvery);
        Assert.Equal(0UL, c.WorkBond);
        Assert.Equal(0.0, c.FakeFraction);
        Assert.Equal(TimeSpan.FromSeconds(1), c.Agent.PollInterval);
        Assert.Equal(100_000UL, c.Agent.Fee);
        Assert.Equal(0UL, c.Floor("nvidia/h100", 8));
    }

    [Fact]
    public void Floors_are_per_gpu_by_model_with_a_default()
    {
        var c = Parse("""
            key = "provider"
            [floor_price]
            "nvidia/h100" = "50uchn"
            default = "0.0001chn"
            """);
        Assert.Equal(400UL, c.Floor("nvidia/h100", 8));
        Assert.Equal(200UL, c.Floor("amd/mi300", 2));
    }

    [Theory]
    [InlineData("key = \"p\"\nbid_budget = \"1chn\"", "unknown key \"bid_budget\"")]
    [InlineData("key = \"p\"\n[testing]\nfake = 0.1", "[testing]: unknown key \"fake\"")]
    [InlineData("key = \"p\"\ngpus = 0", "gpus: 0 is out of range")]
    [InlineData("key = \"p\"\ngpus = \"eight\"", "gpus: unexpected value")]
    [InlineData("key = \"p\"\ndevice = \"tpu\"", "device: \"tpu\" is not one of")]
    [InlineData("key = \"p\"\nwork_bond = \"ten\"", "work_bond:")]
    [InlineData("key = \"p\"\npoll_interval = \"soon\"", "poll_interval: \"soon\" is not a duration")]
    [InlineData("key = \"p\"\nmetrics_address = \"9101\"", "metrics_address: \"9101\" is not host:port")]
    [InlineData("key = \"p\"\n[floor_price]\n\"nvidia/h100\" = \"cheap\"", "floor_price.nvidia/h100:")]
    [InlineData("key = \"p\"\n[testing]\nfake_fraction = 1.5", "fake_fraction: unexpected value")]
    [InlineData("key = \"p\"\nhost_uri = \"ftp://x\"\nregion = \"eu-west\"", "host_uri/region/attributes:")]
    [InlineData("node = \"127.0.0.1:9090\"", "key: the name of a keyring key is required")]
    [InlineData("key = \"p\"\ngpus = ", "not valid TOML")]
    public void Bad_configs_stop_the_agent_naming_the_key(string text, string message)
    {
        var e = Assert.Throws<AgentConfigException>(() => Parse(text));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("provider.toml", e.Message);
    }
}
