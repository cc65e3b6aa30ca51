using Chain.Node.App;
using Chain.Node.Tests.Modules;
using Chain.Proto.NodeService;

namespace Chain.Node.Tests.Hardening;

/// <summary>
/// A byzantine proposer in a real four-validator testnet (four nodes in this process over loopback P2P) stamps its
/// blocks a year into the future (<c>[testing] propose_time_offset</c>). The other validators' clocks refuse those
/// proposals (consensus.max_clock_drift, 10 s), a later round's honest proposer decides each of its heights, and no
/// committed block's time runs ahead of the clocks; without the check the chain's time jumped a year on its first
/// proposal, and a time of long.MaxValue ended the chain.
/// </summary>
public sealed class FutureBlockTimeTests
{
    [Fact]
    public async Task Blocks_from_the_future_are_not_committed_and_the_chain_goes_on()
    {
        using var temp = new TempHome();
        await using var net = await InProcessTestnet.InitAsync(temp, 4);
        net.EditConfig(0, "propose_time_offset = \"0s\"", "propose_time_offset = \"8760h\"");
        net.Start(_ => ModuleCatalog.Create());
        const ulong Heights = 9; // every validator is round 0's proposer at least twice
        await net.WaitForHeightAsync(Heights + 1);

        var blocks = new Blocks.BlocksClient(net.Channels[1]);
        long limit = (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10)).ToUnixTimeMilliseconds() * 1_000_000;
        var laterRounds = 0;
        for (ulong h = 1; h <= Heights; h++)
        {
            var block = (await blocks.GetBlockAsync(new GetBlockRequest { Height = h })).Block;
            Assert.True(block.Header.TimeUnixNanos <= limit, $"block {h} has time {DateTimeOffset.FromUnixTimeMilliseconds(block.Header.TimeUnixNanos / 1_000_000):O}, ahead of every clock");
            var next = (await blocks.GetBlockAsync(new GetBlockRequest { Height = h + 1 })).Block;
            if (next?.LastCommit is { Round: > 0 })
            {
                laterRounds++;
            }
        }

        // The future proposer's heights were decided in a later round (round 0's proposal got nil prevotes).
        Assert.True(laterRounds >= 1, "no height needed a second round: the future proposer's blocks were not refused");
    }
}
