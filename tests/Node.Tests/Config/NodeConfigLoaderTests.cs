using Chain.Consensus.Options;
using Chain.Node.Config;
using Chain.Node.Tests.Cli;
using Serilog.Events;

namespace Chain.Node.Tests.Config;

public sealed class NodeConfigLoaderTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Empty_file_gives_the_documented_defaults()
    {
        var config = NodeConfigLoader.ParseToml(string.Empty);

        Assert.Equal(new NodeConfig(), config);
        Assert.Equal("127.0.0.1:9090", config.Grpc.Address.ToString());
        Assert.True(config.Metrics.Enabled);
        Assert.Equal("127.0.0.1:26660", config.Metrics.Address.ToString());
        Assert.Equal("127.0.0.1:26656", config.P2p.ListenAddress.ToString());
        Assert.Empty(config.P2p.PersistentPeers);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Consensus.TimeoutPropose);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Consensus.TimeoutPrecommitDelta);
        Assert.Equal(TimeSpan.FromSeconds(1), config.Consensus.TimeoutCommit);
        Assert.Equal(10_000, config.Mempool.MaxTxs);
        Assert.Equal(67_108_864, config.Mempool.MaxBytes);
        Assert.True(config.Mempool.Recheck);
        Assert.Equal(new GasPrice(0.01m, "uchn"), config.Tx.MinGasPrice);
        Assert.Equal(StateBackend.RocksDb, config.State.Backend);
        Assert.Equal(0UL, config.State.KeepVersions);
        Assert.Equal(32L << 20, config.State.BlockCacheBytes);
        Assert.Equal(32L << 20, config.State.WriteBufferBytes);
        Assert.Equal(8L << 20, config.State.ValueCacheBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.Mempool.ClientBacklog);
        Assert.Equal(1_000, config.Mempool.ClientBacklogMinTxs);
        Assert.Equal(LogEventLevel.Information, config.Log.Level);
        Assert.Equal(LogFormat.Plain, config.Log.Format);
        Assert.Equal(string.Empty, config.Log.File);
        Assert.Equal(0UL, config.Testing.DoubleSignAtHeight);
    }

    [Fact]
    public void Written_config_reads_back_to_the_same_values()
    {
        var config = new NodeConfig
        {
            Moniker = "val \"one\"",
            P2p = new P2pOptions { PersistentPeers = ["0123456789abcdef0123456789abcdef01234567@10.0.0.2:26656", "peer.example:26656"] },
            Consensus = new ConsensusOptions { TimeoutCommit = TimeSpan.FromSeconds(90) },
            Log = new LogOptions { Level = LogEventLevel.Debug, Format = LogFormat.Json, File = "logs/node.json" },
            State = new StateOptions { Backend = StateBackend.Memory, KeepVersions = 100, BlockCacheBytes = 8 << 20, WriteBufferBytes = 16 << 20 },
            Mempool = new MempoolOptions { ClientBacklog = TimeSpan.FromMilliseconds(2500), ClientBacklogMinTxs = 300 },
            Testing = new TestingOptions { DoubleSignAtHeight = 12 },
        };

        var text = NodeConfigWriter.ToToml(config);

        Assert.Equal(config, NodeConfigLoader.ParseToml(text));
        Assert.Contains("timeout_commit = \"1m30s\"", text);
    }

    [Fact]
    public void Every_written_key_has_a_comment_over_it()
    {
        var lines = NodeConfigWriter.ToToml(new NodeConfig()).Split('\n');
        foreach (var key in ConfigSchema.Keys)
        {
            var at = Array.FindIndex(lines, l => l.StartsWith(key.Name + " = ", StringComparison.Ordinal));
            Assert.True(at > 0, key.Path);
            Assert.StartsWith("# ", lines[at - 1]);
        }
    }

    [Theory]
    [InlineData("[grpc]\nadress = \"127.0.0.1:9090\"\n", "config.toml: unknown key 'grpc.adress'")]
    [InlineData("monikor = \"x\"\n", "config.toml: unknown key 'monikor'")]
    [InlineData("[grcp]\naddress = \"127.0.0.1:9090\"\n", "config.toml: unknown key 'grcp'")]
    [InlineData("[grpc.tls]\nenabled = true\n", "config.toml: unknown key 'grpc.tls'")]
    public void Unknown_keys_are_rejected_by_name(string toml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml(toml));
        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [InlineData("[consensus]\ntimeout_commit = \"1x\"\n", "consensus.timeout_commit", "duration")]
    [InlineData("[consensus]\ntimeout_propose = \"0s\"\n", "consensus.timeout_propose", "above zero")]
    [InlineData("[consensus]\ntimeout_prevote = 5\n", "consensus.timeout_prevote", "wrong type")]
    [InlineData("[grpc]\naddress = \"localhost\"\n", "grpc.address", "host:port")]
    [InlineData("[metrics]\naddress = \"127.0.0.1:70000\"\n", "metrics.address", "host:port")]
    [InlineData("[log]\nlevel = \"loud\"\n", "log.level", "verbose, debug, info, warning, error")]
    [InlineData("[log]\nformat = \"xml\"\n", "log.format", "\"plain\" or \"json\"")]
    [InlineData("[state]\nbackend = \"leveldb\"\n", "state.backend", "\"rocksdb\" or \"memory\"")]
    [InlineData("[mempool]\nmax_txs = 0\n", "mempool.max_txs", "from 1")]
    [InlineData("[mempool]\nrecheck = \"yes\"\n", "mempool.recheck", "true or false")]
    [InlineData("[tx]\nmin_gas_price = \"cheap\"\n", "tx.min_gas_price", "decimal")]
    [InlineData("[p2p]\npersistent_peers = [\"nohost\"]\n", "p2p.persistent_peers", "host:port")]
    [InlineData("[testing]\ndouble_sign_at_height = -1\n", "testing.double_sign_at_height", "from 0 up")]
    [InlineData("[testing]\ndouble_sign_at_height = \"3\"\n", "testing.double_sign_at_height", "wrong type")]
    public void Bad_values_are_rejected_naming_the_key_and_what_is_allowed(string toml, string key, string allowed)
    {
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml(toml));
        Assert.StartsWith("config.toml: ", e.Message);
        Assert.Contains($"'{key}'", e.Message);
        Assert.Contains(allowed, e.Message);
    }

    [Fact]
    public void Broken_toml_is_a_config_error()
    {
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml("[grpc\naddress = 1"));
        Assert.StartsWith("config.toml: not valid TOML", e.Message);
    }

    [Fact]
    public void Listeners_on_the_same_port_are_rejected()
    {
        using var home = new TempHome();
        var path = home.PathOf("config.toml");
        File.WriteAllText(path, "[metrics]\naddress = \"127.0.0.1:9090\"\n");

        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.Load(path, NoEnvironment));
        Assert.Contains("'grpc.address' and 'metrics.address'", e.Message);
    }

    [Fact]
    public void An_enabled_gateway_on_the_grpc_port_is_rejected_and_a_disabled_one_is_not_checked()
    {
        using var home = new TempHome();
        var path = home.PathOf("config.toml");
        File.WriteAllText(path, "[gateway]\naddress = \"127.0.0.1:9090\"\n");
        Assert.Equal(9090, NodeConfigLoader.Load(path, NoEnvironment).Gateway.Address.Port);

        File.WriteAllText(path, "[gateway]\nenabled = true\naddress = \"127.0.0.1:9090\"\n");
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.Load(path, NoEnvironment));
        Assert.Contains("'grpc.address' and 'gateway.address'", e.Message);
    }

    [Fact]
    public void The_explorer_without_the_gateway_is_rejected()
    {
        using var home = new TempHome();
        var path = home.PathOf("config.toml");
        File.WriteAllText(path, "[gateway]\nexplorer = true\n");
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.Load(path, NoEnvironment));
        Assert.Contains("'gateway.explorer' is true but 'gateway.enabled' is false", e.Message);

        File.WriteAllText(path, "[gateway]\nenabled = true\nexplorer = true\n");
        Assert.True(NodeConfigLoader.Load(path, NoEnvironment).Gateway.Explorer);
    }

    [Fact]
    public void A_timeout_above_the_ceiling_is_rejected_by_its_key()
    {
        using var home = new TempHome();
        var path = home.PathOf("config.toml");
        File.WriteAllText(path, "[consensus]\ntimeout_commit = \"11m\"\n");

        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.Load(path, NoEnvironment));
        Assert.Contains("consensus.timeout_commit", e.Message);
        Assert.Contains("ceiling", e.Message);
    }

    [Fact]
    public void Flag_beats_environment_beats_file_beats_default()
    {
        using var home = new TempHome();
        var path = home.PathOf("config.toml");
        File.WriteAllText(path, "moniker = \"from-file\"\n[grpc]\naddress = \"127.0.0.1:1001\"\n[consensus]\ntimeout_commit = \"2s\"\n[log]\nlevel = \"debug\"\n");
        var env = new Dictionary<string, string>
        {
            ["CHAIND_GRPC_ADDRESS"] = "127.0.0.1:1002",
            ["CHAIND_CONSENSUS_TIMEOUT_COMMIT"] = "3s",
            ["CHAIND_MONIKER"] = "from-env",
        };
        var flags = new Dictionary<string, string> { ["grpc.address"] = "127.0.0.1:1003" };

        var config = NodeConfigLoader.Load(path, env.GetValueOrDefault, flags);

        Assert.Equal("127.0.0.1:1003", config.Grpc.Address.ToString());
        Assert.Equal(TimeSpan.FromSeconds(3), config.Consensus.TimeoutCommit);
        Assert.Equal("from-env", config.Moniker);
        Assert.Equal(LogEventLevel.Debug, config.Log.Level);
        Assert.Equal(TimeSpan.FromSeconds(1), config.Consensus.TimeoutPrevote);
    }

    [Fact]
    public void Bad_environment_value_names_the_variable_and_key()
    {
        var env = new Dictionary<string, string> { ["CHAIND_MEMPOOL_MAX_TXS"] = "many" };

        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ApplyEnvironment(new NodeConfig(), env.GetValueOrDefault));
        Assert.StartsWith("environment variable CHAIND_MEMPOOL_MAX_TXS: ", e.Message);
        Assert.Contains("'mempool.max_txs'", e.Message);
    }

    [Fact]
    public void Bad_flag_value_names_the_flag()
    {
        var flags = new Dictionary<string, string> { ["state.backend"] = "tape" };

        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ApplyFlags(new NodeConfig(), flags));
        Assert.StartsWith("flag --state.backend: ", e.Message);
    }

    [Fact]
    public void Environment_list_values_are_comma_separated()
    {
        var env = new Dictionary<string, string> { ["CHAIND_P2P_PERSISTENT_PEERS"] = "10.0.0.1:26656, 0123456789abcdef0123456789abcdef01234567@10.0.0.2:26656" };

        var config = NodeConfigLoader.ApplyEnvironment(new NodeConfig(), env.GetValueOrDefault);

        Assert.Equal(["10.0.0.1:26656", "0123456789abcdef0123456789abcdef01234567@10.0.0.2:26656"], config.P2p.PersistentPeers);
    }

    [Fact]
    public async Task Double_sign_at_height_from_the_config_chaind_init_writes_reaches_the_loaded_config()
    {
        using var temp = new TempHome();
        var init = await CliRun.Invoke(temp.Root, ["init"]);
        Assert.True(init.ExitCode == 0, init.Error);
        var home = new NodeHome(temp.Root);

        // init writes the key off, under its warning, so a tester edits one number; `chaind start` loads the
        // file through NodeConfigLoader.Load with the process environment, as here.
        var text = File.ReadAllText(home.ConfigFile);
        Assert.Contains("[testing]", text);
        Assert.Contains("# Test only: makes this validator sign two conflicting prevotes at height N and every height after it so that peers produce evidence; never set on a real validator (0 = off).\ndouble_sign_at_height = 0\n", text.ReplaceLineEndings("\n"));
        Assert.Equal(0UL, NodeConfigLoader.Load(home.ConfigFile, NoEnvironment).Testing.DoubleSignAtHeight);

        File.WriteAllText(home.ConfigFile, text.Replace("double_sign_at_height = 0", "double_sign_at_height = 5"));
        Assert.Equal(5UL, NodeConfigLoader.Load(home.ConfigFile, NoEnvironment).Testing.DoubleSignAtHeight);

        var env = new Dictionary<string, string> { ["CHAIND_TESTING_DOUBLE_SIGN_AT_HEIGHT"] = "9" };
        Assert.Equal(9UL, NodeConfigLoader.Load(home.ConfigFile, env.GetValueOrDefault).Testing.DoubleSignAtHeight);
    }

    [Fact]
    public void Docs_list_every_key_with_its_default()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chain.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var docs = File.ReadAllText(Path.Combine(dir.FullName, "docs", "config.md"));
        foreach (var key in ConfigSchema.Keys)
        {
            Assert.Contains($"`{key.Path}`", docs);
            Assert.Contains($"`{NodeConfigWriter.Literal(key.Get(new NodeConfig()))}`", docs);
            Assert.Contains($"`{key.EnvironmentVariable}`", docs);
        }
    }

    [Fact]
    public void RocksDB_memory_settings_below_their_floor_are_refused_and_map_onto_the_store()
    {
        Assert.Contains("block_cache_bytes", Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml("[state]\nblock_cache_bytes = 1000\n")).Message);
        Assert.Contains("write_buffer_bytes", Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml("[state]\nwrite_buffer_bytes = 1048576\n")).Message);
        var state = NodeConfigLoader.ParseToml("[state]\nblock_cache_bytes = 134217728\nwrite_buffer_bytes = 33554432\n").State;

        var store = App.NodeState.StoreOptions(state);

        Assert.Equal(128L << 20, store.BlockCacheBytes);
        Assert.Equal(32L << 20, store.TotalWriteBufferBytes);
        Assert.Equal(16L << 20, store.WriteBufferBytes); // one memtable at most half the total
    }

    [Fact]
    public void The_value_cache_is_off_at_zero_and_refused_between_zero_and_its_floor()
    {
        Assert.Equal(0, NodeConfigLoader.ParseToml("[state]\nvalue_cache_bytes = 0\n").State.ValueCacheBytes);
        Assert.Equal(1L << 20, NodeConfigLoader.ParseToml("[state]\nvalue_cache_bytes = 1048576\n").State.ValueCacheBytes);
        Assert.Contains("value_cache_bytes", Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml("[state]\nvalue_cache_bytes = 1000\n")).Message);
        Assert.Contains("value_cache_bytes", Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml("[state]\nvalue_cache_bytes = -1\n")).Message);
    }
}
