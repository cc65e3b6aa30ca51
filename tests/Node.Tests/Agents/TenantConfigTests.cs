using Chain.Agents;
using Chain.Agents.Tenant;

namespace Chain.Node.Tests.Agents;

/// <summary>tenant.toml: the documented defaults, every key read, and every bad value or unknown key stopping the agent with the key named.</summary>
public sealed class TenantConfigTests : IDisposable
{
    private const string Minimal = """
        key = "tenant"

        [[order]]
        max_price = "100uchn"
        deposit = "5chn"
        """;

    private readonly TempHome _dir = new();

    private TenantConfig Parse(string text) => TenantConfig.Parse(text, "tenant.toml", _dir.Root, "/default/home");

    private AgentConfigException Refused(string text) => Assert.Throws<AgentConfigException>(() => Parse(text));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_minimal_config_takes_the_documented_defaults()
    {
        var config = Parse(Minimal);

        Assert.Equal("tenant", config.Agent.Key);
        Assert.Equal("/default/home", config.Agent.Home);
        Assert.Equal("127.0.0.1:9090", config.Agent.Node);
        Assert.Equal(TimeSpan.FromSeconds(1), config.Agent.PollInterval);
        Assert.Equal(1_000_000_000UL, config.Budget);
        Assert.Equal(100UL, config.RunwayBlocks);
        Assert.Equal(10_000_000UL, config.TopUp);
        Assert.Null(config.TenantData);
        var order = Assert.Single(config.Orders);
        Assert.Equal(new TenantOrder(1, 1, "*", 0, 0, 0, string.Empty, 100, 5_000_000, 20, 1), order);
    }

    [Fact]
    public void Every_key_is_read_and_matrix_paths_are_relative_to_the_config()
    {
        File.WriteAllBytes(_dir.PathOf("a.bin"), new byte[16]);
        File.WriteAllBytes(_dir.PathOf("b.bin"), new byte[16]);
        var config = Parse("""
            node = "10.0.0.1:9090"
            home = "/keys/home"
            key = "tenant"
            fee = "2000uchn"
            gas = 200000
            poll_interval = "250ms"
            metrics_address = "127.0.0.1:9300"
            budget = "50chn"
            runway_blocks = 500
            top_up = "2.5chn"

            [[order]]
            gpus = 8
            gpu_model = "nvidia/h100"
            min_vram_gi = 80
            cpu_millicores = 64000
            memory_mib = 524288
            region = "eu-west"
            max_price = "0.1chn"
            deposit = "10chn"
            bidding_window = 40
            leases = 2

            [[order]]
            gpu_model = "nvidia/*"
            max_price = "900uchn"
            deposit = "1chn"

            [tenant_data]
            a = "a.bin"
            b = "b.bin"
            request_tiles = 16
            """);

        Assert.Equal(new AgentSettings("10.0.0.1:9090", "/keys/home", "tenant", 2000, 200_000, TimeSpan.FromMilliseconds(250), "127.0.0.1:9300"), config.Agent);
        Assert.Equal((50_000_000UL, 500UL, 2_500_000UL), (config.Budget, config.RunwayBlocks, config.TopUp));
        Assert.Equal(new TenantOrder(1, 8, "nvidia/h100", 80, 64000, 524288, "eu-west", 100_000, 10_000_000, 40, 2), config.Orders[0]);
        Assert.Equal(new TenantOrder(2, 1, "nvidia/*", 0, 0, 0, string.Empty, 900, 1_000_000, 20, 1), config.Orders[1]);
        Assert.Equal(new TenantDataFiles(_dir.PathOf("a.bin"), _dir.PathOf("b.bin"), 16), config.TenantData);
    }

    [Fact]
    public void Request_tiles_defaults_to_four()
    {
        File.WriteAllBytes(_dir.PathOf("a.bin"), new byte[16]);
        File.WriteAllBytes(_dir.PathOf("b.bin"), new byte[16]);
        var config = Parse(Minimal + "\n[tenant_data]\na = \"a.bin\"\nb = \"" + _dir.PathOf("b.bin") + "\"\n");
        Assert.Equal(4u, config.TenantData!.RequestTiles);
    }

    [Theory]
    [InlineData("key = \"tenant\"\n", "tenant.toml: order: at least one [[order]] table is required")]
    [InlineData("key = \"\"\n[[order]]\nmax_price = \"1uchn\"\ndeposit = \"1chn\"\n", "tenant.toml: key: ")]
    [InlineData("poll_interval = \"fast\"\n" + Minimal, "tenant.toml: poll_interval: ")]
    [InlineData("budget = \"0chn\"\n" + Minimal, "tenant.toml: budget: ")]
    [InlineData("budget = \"lots\"\n" + Minimal, "tenant.toml: budget: ")]
    [InlineData("budget = 1000\n" + Minimal, "tenant.toml: budget: ")]
    [InlineData("budget = \"4chn\"\n" + Minimal, "tenant.toml [[order]] #1: deposit: 5000000uchn is more than the whole budget")]
    [InlineData("runway_blocks = 0\n" + Minimal, "tenant.toml: runway_blocks: ")]
    [InlineData("runway_blocks = -5\n" + Minimal, "tenant.toml: runway_blocks: ")]
    [InlineData("top_up = \"-1chn\"\n" + Minimal, "tenant.toml: top_up: ")]
    [InlineData("top_up = \"0uchn\"\n" + Minimal, "tenant.toml: top_up: ")]
    [InlineData("key = \"tenant\"\n[[order]]\nmax_price = \"100uchn\"\ndeposit = \"0chn\"\n", "tenant.toml [[order]] #1: deposit: ")]
    [InlineData(Minimal + "\ngpus = 0", "tenant.toml [[order]] #1: gpus: ")]
    [InlineData(Minimal + "\ngpus = 2000", "tenant.toml [[order]] #1: gpus: ")]
    [InlineData(Minimal + "\ngpu_model = \"h100\"", "tenant.toml [[order]] #1: gpu_model: ")]
    [InlineData(Minimal + "\nmin_vram_gi = -1", "tenant.toml [[order]] #1: min_vram_gi: ")]
    [InlineData(Minimal + "\nregion = \"EU West\"", "tenant.toml [[order]] #1: region: ")]
    [InlineData(Minimal + "\nbidding_window = 0", "tenant.toml [[order]] #1: bidding_window: ")]
    [InlineData(Minimal + "\nleases = 0", "tenant.toml [[order]] #1: leases: ")]
    [InlineData("key = \"tenant\"\n[[order]]\ndeposit = \"1chn\"\n", "tenant.toml [[order]] #1: max_price: required")]
    [InlineData("key = \"tenant\"\n[[order]]\nmax_price = \"1uchn\"\n", "tenant.toml [[order]] #1: deposit: required")]
    [InlineData("key = \"tenant\"\n[[order]]\nmax_price = \"0uchn\"\ndeposit = \"1chn\"\n", "tenant.toml [[order]] #1: max_price: ")]
    [InlineData("key = \"tenant\"\n[[order]]\nmax_price = 100\ndeposit = \"1chn\"\n", "tenant.toml [[order]] #1: max_price: ")]
    [InlineData(Minimal + "\n[[order]]\nmax_price = \"100uchn\"\ndeposit = \"1chn\"\n", "tenant.toml: order: [[order]] #2 asks for the same resources and max_price as #1")]
    [InlineData(Minimal + "\n[tenant_data]\na = \"a.bin\"\n", "tenant.toml [tenant_data]: b: required")]
    [InlineData(Minimal + "\n[tenant_data]\na = \"missing.bin\"\nb = \"b.bin\"\n", "tenant.toml [tenant_data]: a: no file at ")]
    [InlineData(Minimal + "\n[tenant_data]\na = \"a.bin\"\nb = \"b.bin\"\nrequest_tiles = 0\n", "tenant.toml [tenant_data]: request_tiles: ")]
    [InlineData(Minimal + "\n[tenant_data]\na = \"a.bin\"\nb = \"b.bin\"\nrequest_tiles = 300\n", "tenant.toml [tenant_data]: request_tiles: ")]
    public void A_bad_value_stops_the_agent_naming_the_key(string text, string expected)
    {
        File.WriteAllBytes(_dir.PathOf("a.bin"), new byte[16]);
        File.WriteAllBytes(_dir.PathOf("b.bin"), new byte[16]);
        var e = Refused(text);
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("budjet = \"5chn\"\n" + Minimal, "tenant.toml: unknown key \"budjet\"")]
    [InlineData(Minimal + "\ngpu = 2", "tenant.toml [[order]] #1: unknown key \"gpu\"")]
    [InlineData(Minimal + "\n[tenant_data]\nc = \"c.bin\"\n", "tenant.toml [tenant_data]: unknown key \"c\"")]
    [InlineData(Minimal + "\n[provider]\nfloor = 1\n", "tenant.toml: unknown key \"provider\"")]
    public void An_unknown_key_stops_the_agent_naming_it(string text, string expected)
    {
        Assert.Equal(expected, Refused(text).Message);
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var path = _dir.PathOf("nowhere.toml");
        var e = Assert.Throws<AgentConfigException>(() => TenantConfig.Load(path, "/home"));
        Assert.StartsWith(path + ": cannot read the config file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenant_run_stops_on_a_bad_config_naming_the_key()
    {
        var path = _dir.PathOf("tenant.toml");
        File.WriteAllText(path, Minimal + "\ngpu = 2\n");
        var run = await TenantTestChain.RunTenantCommand(_dir.Root, ["run", "--config", path]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: tenant.toml [[order]] #1: unknown key \"gpu\"", run.Error.Trim());
    }

    [Fact]
    public async Task Tenant_status_stops_when_the_key_is_not_in_the_keyring()
    {
        var path = _dir.PathOf("tenant.toml");
        File.WriteAllText(path, "keyring_backend = \"test\"\n" + Minimal);
        var run = await TenantTestChain.RunTenantCommand(_dir.Root, ["status", "--config", path]);
        Assert.Equal(1, run.ExitCode);
        var keyring = Path.Combine(_dir.Root, "keyring");
        Assert.StartsWith($"Error: key \"tenant\" cannot be loaded from the test keyring at {keyring}: key 'tenant' not found in {keyring}", run.Error, StringComparison.Ordinal);
    }
}
