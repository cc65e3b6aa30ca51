using Chain.Node.Config;

namespace Chain.Node.Tests.Config;

public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("3s", 3_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0s", 0)]
    public void Reads_whole_numbers_with_units(string text, long ms)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    [InlineData("1 s")]
    [InlineData("1S")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("99999999999999h")]
    public void Rejects_anything_else(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void Format_reads_back()
    {
        Gen.Long[0, 365L * 24 * 3_600_000].Sample(ms =>
        {
            var value = TimeSpan.FromMilliseconds(ms);
            Assert.True(Duration.TryParse(Duration.Format(value), out var back));
            Assert.Equal(value, back);
        });
    }
}
