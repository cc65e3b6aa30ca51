using Chain.Node.Reactors;

namespace Chain.Node.Tests.Reactors;

public sealed class SyncProgressTests
{
    [Fact]
    public void The_rate_is_blocks_over_the_time_since_the_oldest_block_in_the_window()
    {
        var progress = new SyncProgress();
        Assert.Equal(0, progress.BlocksPerSecond(1_000));

        progress.OnApplied(1, 1_000);
        Assert.Equal(0, progress.BlocksPerSecond(1_000));

        for (ulong h = 2; h <= 21; h++)
        {
            progress.OnApplied(h, 1_000 + ((long)h - 1) * 100);
        }

        // 20 blocks after the first in 2 s.
        Assert.Equal(10, progress.BlocksPerSecond(3_000), 6);
        // Nothing applied for 2 s more: the same blocks over 4 s.
        Assert.Equal(5, progress.BlocksPerSecond(5_000), 6);
        // Past the window nothing counts.
        Assert.Equal(0, progress.BlocksPerSecond(3_000 + (long)SyncProgress.Window.TotalMilliseconds + 1));
    }
}
