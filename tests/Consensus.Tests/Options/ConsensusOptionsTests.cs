using Chain.Consensus.Options;

namespace Chain.Consensus.Tests.Options;

public sealed class ConsensusOptionsTests
{
    [Fact]
    public void Defaults_are_cometbft_timeouts_growing_per_round()
    {
        ConsensusOptions o = ConsensusOptions.Default;
        Assert.Empty(o.Validate());
        Assert.Equal(TimeSpan.FromSeconds(3), o.ProposeTimeout(0));
        Assert.Equal(TimeSpan.FromSeconds(4), o.ProposeTimeout(2));
        Assert.Equal(TimeSpan.FromSeconds(1.5), o.PrevoteTimeout(1));
        Assert.Equal(TimeSpan.FromSeconds(2), o.PrecommitTimeout(2));
        Assert.Equal(TimeSpan.FromSeconds(1), o.TimeoutCommit);
        Assert.Empty(ConsensusOptions.Testnet.Validate());
    }

    [Fact]
    public void Invalid_options_name_the_key()
    {
        var o = ConsensusOptions.Default with { TimeoutPropose = TimeSpan.Zero, TimeoutPrevoteDelta = TimeSpan.FromSeconds(-1) };
        IReadOnlyList<string> errors = o.Validate();
        Assert.Contains(errors, e => e.Contains("consensus.timeout_propose must be positive"));
        Assert.Contains(errors, e => e.Contains("consensus.timeout_prevote_delta must not be negative"));
        Assert.Throws<ArgumentException>(() => o.EnsureValid());
    }
}
