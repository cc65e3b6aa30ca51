using Chain.Chaos;
using Xunit.Abstractions;

namespace Chain.Integration.Tests;

/// <summary>
/// The perturbation runner (testnet/chaos): a short seeded run of four real validators, in network namespaces when
/// the tests run as root, and the pieces its verdict rests on. The long batches are run by hand (./testnet/chaos.sh,
/// figures in docs/security.md).
/// </summary>
[Collection(LongNetworks.Name)]
public sealed class PerturbationRunTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Draws every kind of fault in 20 s: a double-signer at height 4, a pause, a split into halves (no side
    /// with two thirds), a restart, a kill and +8 s of clock skew (the schedule test below holds it to that).</summary>
    private const int ShortRunSeed = 175;

    private readonly string _directory = Directory.CreateTempSubdirectory("chaos-test-").FullName;

    [Fact]
    public async Task A_short_run_with_every_kind_of_fault_finds_no_violation_and_the_chain_recovers()
    {
        var options = new ChaosOptions
        {
            Seconds = 20,
            UseNetns = Netns.Available(),
            ChaindDll = ChaindProcess.ChaindDll,
            OutputDirectory = _directory,

            // Generous: the suite runs other nodes beside this one on two cores.
            LivenessBound = TimeSpan.FromSeconds(120),
        };
        using var log = new StringWriter();
        var result = await new ChaosRun(0, ShortRunSeed, options, log).ExecuteAsync(CancellationToken.None);
        output.WriteLine(log.ToString());

        Assert.Empty(result.Violations);
        Assert.NotNull(result.LivenessSeconds);
        Assert.True(result.HeightsCompared >= 3, $"only {result.HeightsCompared} heights compared");
        Assert.True(result.TxsAcknowledged > 0, "no transfer was acknowledged as committed");
        Assert.All(result.FinalHeights, h => Assert.True(h >= (ulong)result.HeightsCompared));
    }

    [Fact]
    public void The_schedule_comes_from_the_seed_alone_and_never_puts_two_faults_on_one_node_at_once()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var faults = Schedule.Draw(seed, 4, 30, partitions: true, clockSkew: true);
            Assert.Equal(faults, Schedule.Draw(seed, 4, 30, partitions: true, clockSkew: true), FaultComparer.Instance);
            Assert.All(faults, f => Assert.True(f.Ends <= 30 && f.At >= 0, f.ToString()));
            var timed = faults.Where(f => f.Kind is not (FaultKind.Partition or FaultKind.DoubleSign)).ToArray();
            foreach (var a in timed)
            {
                Assert.DoesNotContain(timed, b => !ReferenceEquals(a, b) && a.Nodes[0] == b.Nodes[0] && a.At <= b.At && b.At < a.Ends + 1);
            }

            var partitions = faults.Where(f => f.Kind == FaultKind.Partition).ToArray();
            Assert.All(partitions.Zip(partitions.Skip(1)), p => Assert.True(p.Second.At >= p.First.Ends));
            Assert.True(faults.Count(f => f.Kind == FaultKind.DoubleSign) <= 1);
            Assert.DoesNotContain(Schedule.Draw(seed, 4, 30, partitions: false, clockSkew: false), f => f.Kind is FaultKind.Partition or FaultKind.ClockSkew);
        }

        var shortRun = Schedule.Draw(ShortRunSeed, 4, 20, partitions: true, clockSkew: true);
        Assert.Equal(Enum.GetValues<FaultKind>().ToHashSet(), shortRun.Select(f => f.Kind).ToHashSet());
        Assert.NotEqual(
            Schedule.Draw(1, 4, 30, true, true).Select(f => f.ToString()),
            Schedule.Draw(2, 4, 30, true, true).Select(f => f.ToString()));
    }

    [Fact]
    public void The_ledger_flags_a_height_committed_twice_and_a_node_that_goes_back()
    {
        var ledger = new SafetyLedger();
        Assert.Null(ledger.Observe("node0", 5, "AA", latest: true));
        Assert.Null(ledger.Observe("node1", 5, "AA", latest: true));
        Assert.Null(ledger.Observe("node1", 6, "BB", latest: true));
        Assert.Null(ledger.Observe("node0", 4, "CC", latest: false)); // an older block read back, not its latest
        Assert.Equal(6UL, ledger.Highest);

        var twice = ledger.Observe("node2", 5, "DD", latest: true);
        Assert.Contains("height 5 committed twice", twice);
        Assert.Contains("node0 reported block AA, node2 reported DD", twice);

        var back = ledger.Observe("node1", 4, "CC", latest: true);
        Assert.Equal("node1 went back from height 6 to 4", back);
        Assert.Contains("committed twice", ledger.Observe("node3", 4, "EE", latest: false));
    }

    [Fact]
    public void Overlapping_status_calls_answered_out_of_order_are_not_a_node_going_back()
    {
        var ledger = new SafetyLedger();
        Assert.Null(ledger.Observe("node1", 7, "A7", latest: true, askedAt: 10, answeredAt: 12));

        // Asked at 20 (height 7 then) and at 21 (height 8): the later-asked answer is handled first.
        Assert.Null(ledger.Observe("node1", 8, "A8", latest: true, askedAt: 21, answeredAt: 25));
        Assert.Null(ledger.Observe("node1", 7, "A7", latest: true, askedAt: 20, answeredAt: 26));
        Assert.Equal(8UL, ledger.Highest);

        // A call asked after height 8 was received still may not report less.
        Assert.Equal("node1 went back from height 8 to 7", ledger.Observe("node1", 7, "A7", latest: true, askedAt: 30, answeredAt: 31));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class FaultComparer : IEqualityComparer<Fault>
    {
        public static readonly FaultComparer Instance = new();

        public bool Equals(Fault? x, Fault? y) => x?.ToString() == y?.ToString() && x!.Nodes.SequenceEqual(y!.Nodes);

        public int GetHashCode(Fault obj) => obj.ToString().GetHashCode(StringComparison.Ordinal);
    }
}
