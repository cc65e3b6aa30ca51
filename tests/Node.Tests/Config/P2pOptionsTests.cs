using Chain.Node.Config;

namespace Chain.Node.Tests.Config;

public sealed class P2pOptionsTests
{
    [Fact]
    public void P2p_keys_read_from_toml()
    {
        var config = NodeConfigLoader.ParseToml("""
            [p2p]
            persistent_peers = ["0123456789abcdef0123456789abcdef01234567@127.0.0.1:26656"]
            max_peers = 7
            send_queue_size = 16
            max_message_bytes = 2097152
            ban_duration = "30s"
            dial_backoff_min = "200ms"
            dial_backoff_max = "3s"
            handshake_timeout = "4s"
            """);

        Assert.Equal(7, config.P2p.MaxPeers);
        Assert.Equal(16, config.P2p.SendQueueSize);
        Assert.Equal(2 * 1024 * 1024, config.P2p.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), config.P2p.BanDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.P2p.DialBackoffMin);
        Assert.Equal(TimeSpan.FromSeconds(3), config.P2p.DialBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(4), config.P2p.HandshakeTimeout);
        Assert.Equal(config, NodeConfigLoader.ParseToml(NodeConfigWriter.ToToml(config)));
    }

    [Theory]
    [InlineData("max_peers = 0", "p2p.max_peers")]
    [InlineData("send_queue_size = -1", "p2p.send_queue_size")]
    [InlineData("max_message_bytes = 100", "p2p.max_message_bytes")]
    [InlineData("ban_duration = \"0s\"", "p2p.ban_duration")]
    [InlineData("persistent_peers = [\"abcdef@127.0.0.1:26656\"]", "p2p.persistent_peers")]
    public void Bad_p2p_values_name_the_key(string line, string key)
    {
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml("[p2p]\n" + line + "\n"));

        Assert.Contains($"'{key}'", e.Message);
    }

    [Fact]
    public void A_backoff_maximum_below_the_minimum_is_refused()
    {
        var config = NodeConfigLoader.ParseToml("[p2p]\ndial_backoff_min = \"5s\"\ndial_backoff_max = \"1s\"\n");

        var e = Assert.Throws<ConfigException>(() => config.Validate("config.toml"));

        Assert.Contains("p2p.dial_backoff_max", e.Message);
        Assert.Contains("p2p.dial_backoff_min", e.Message);
    }
}
