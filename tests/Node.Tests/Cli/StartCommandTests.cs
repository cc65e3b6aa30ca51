using Chain.Crypto;
using Chain.Node.Genesis;
using Chain.Proto.Genesis;

namespace Chain.Node.Tests.Cli;

public sealed class StartCommandTests
{
    [Fact]
    public async Task Start_without_a_home_asks_for_init()
    {
        using var temp = new TempHome();

        var run = await CliRun.Invoke(temp.PathOf("none"), ["start"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("run `chaind init", run.Error);
    }

    [Fact]
    public async Task Bad_flag_value_names_the_flag_and_key()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);

        var run = await CliRun.Invoke(temp.Root, ["start", "--consensus.timeout_commit", "soon"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: flag --consensus.timeout_commit: invalid value \"soon\" for 'consensus.timeout_commit'", run.Error);
    }

    [Fact]
    public async Task Bad_environment_value_names_the_variable()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);
        var env = new Dictionary<string, string> { ["CHAIND_LOG_LEVEL"] = "chatty" };

        var run = await CliRun.Invoke(temp.Root, ["start"], environment: env);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: environment variable CHAIND_LOG_LEVEL: ", run.Error);
    }

    [Fact]
    public async Task Broken_genesis_stops_start_with_its_key_path()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);
        var path = temp.PathOf("config/genesis.json");
        var genesis = GenesisFile.Parse(File.ReadAllText(path));
        genesis.Validators.Clear();
        genesis.Validators.Add(new GenesisValidator { PublicKey = Convert.ToHexStringLower(PrivateKey.Generate().PublicKey), Power = 0 });
        File.WriteAllText(path, GenesisFile.Format(genesis));

        var run = await CliRun.Invoke(temp.Root, ["start"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: genesis.json: 'validators[0].power' must be above 0", run.Error.Trim());
    }

    [Fact]
    public async Task A_peer_message_limit_below_the_block_size_stops_start()
    {
        using var temp = new TempHome();
        await CliRun.Invoke(temp.Root, ["init"]);
        var env = new Dictionary<string, string> { ["CHAIND_P2P_MAX_MESSAGE_BYTES"] = "65536" };

        var run = await CliRun.Invoke(temp.Root, ["start"], environment: env);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("p2p.max_message_bytes is 65536, too small", run.Output + run.Error);
        Assert.False(Directory.Exists(temp.PathOf("data/state.db")));
    }
}
