using Chain.Node.Config;

namespace Chain.Node.Tests.Config;

public sealed class TomlEscapeTests
{
    [Theory]
    [InlineData("moniker = \"\\uD800\"\n")]
    [InlineData("moniker = \"\\U00110000\"\n")]
    [InlineData("\"\\uDC00\" = 1\n")]
    [InlineData("moniker = \"\uD800\"\n")]
    [InlineData("\"\\\uD800\" = 1\n")]
    [InlineData("moniker = \"\\")]
    [InlineData("lrr\"\\")]
    public void Bad_escapes_and_a_backslash_at_the_end_are_config_errors(string toml)
    {
        var e = Assert.Throws<ConfigException>(() => NodeConfigLoader.ParseToml(toml));
        Assert.StartsWith("config.toml: ", e.Message);
    }
}
