using Chain.Modules.Market.Matching;
using Chain.Proto.Market;

namespace Chain.Modules.Market.Tests;

public sealed class MatchingTests
{
    private static Provider With(params string[] attributes)
    {
        var p = new Provider { Region = "eu-west" };
        p.Attributes.AddRange(attributes);
        return p;
    }

    private static readonly Provider H100x8 = With("gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8", "cpu/millicores/64000", "memory/mib/524288");

    [Theory]
    [InlineData("nvidia/h100", true)]
    [InlineData("nvidia/*", true)]
    [InlineData("*", true)]
    [InlineData("*/h100", true)]
    [InlineData("nvidia/h1*", true)]
    [InlineData("nvidia/a100", false)]
    [InlineData("amd/*", false)]
    public void Model_patterns_with_wildcards(string pattern, bool matches) =>
        Assert.Equal(matches, ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 1, GpuModel = pattern }, out _));

    [Fact]
    public void Vram_count_cpu_memory_and_region_are_minimums_or_equalities()
    {
        Assert.True(ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 8, GpuModel = "*", MinVramGi = 80, CpuMillicores = 64000, MemoryMib = 524288, Region = "eu-west" }, out _));
        Assert.False(ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 1, GpuModel = "*", MinVramGi = 81 }, out var unmet));
        Assert.Contains("81Gi", unmet, StringComparison.Ordinal);
        Assert.False(ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 9, GpuModel = "*" }, out unmet));
        Assert.Contains("gpu/count", unmet, StringComparison.Ordinal);
        Assert.False(ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 1, GpuModel = "*", CpuMillicores = 64001 }, out _));
        Assert.False(ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 1, GpuModel = "*", MemoryMib = 524289 }, out _));
        Assert.False(ResourceMatcher.Satisfies(H100x8, new Resources { GpuCount = 1, GpuModel = "*", Region = "us-east" }, out unmet));
        Assert.Contains("us-east", unmet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_without_a_gpu_count_attribute_offers_no_gpus() =>
        Assert.False(ResourceMatcher.Satisfies(With("gpu/vendor/nvidia/model/h100/ram/80Gi"), new Resources { GpuCount = 1, GpuModel = "*" }, out _));

    [Fact]
    public void Glob_matches_only_what_the_stars_allow()
    {
        Gen.String[Gen.Char["ab*"], 0, 6].Select(Gen.String[Gen.Char["ab"], 0, 8]).Sample((pattern, text) =>
        {
            var regex = "^" + string.Concat(pattern.Select(c => c == '*' ? ".*" : c.ToString())) + "$";
            Assert.Equal(System.Text.RegularExpressions.Regex.IsMatch(text, regex), Glob.Matches(pattern, text));
        }, iter: 5_000);
    }
}
