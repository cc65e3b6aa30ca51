using Chain.Consensus.Validators;

namespace Chain.Consensus.Tests.Validators;

public sealed class ProposerSelectionTests
{
    private static byte[] Addr(byte b) => Enumerable.Repeat(b, 20).ToArray();

    private static ValidatorUpdate V(byte b, long power) => new(Addr(b), [0x02, b], power);

    private static string Name(ConsensusValidator v) => ((char)('A' + v.Address[0] - 0x0A)).ToString();

    private static long PriorityOf(ConsensusValidatorSet set, byte b) => set.Find(Addr(b))!.ProposerPriority;

    /// <summary>
    /// A=1, B=2, C=3 (total 6). Genesis: all join at -1.125 x 6 = -6, re-centre to 0, one step:
    /// A1 B2 C3 -> C proposes, C = 3 - 6 = -3.               (A1,  B2,  C-3)
    /// +power: A2 B4 C0 -> B, B = -2.                        (A2,  B-2, C0)
    /// +power: A3 B0 C3 -> tie A/C at 3, lower address A.    (A-3, B0,  C3)
    /// +power: A-2 B2 C6 -> C.                               (A-2, B2,  C0)
    /// +power: A-1 B4 C3 -> B.                               (A-1, B-2, C3)
    /// +power: A0 B0 C6 -> C.                                (A0,  B0,  C0)  and the cycle repeats.
    /// Over six steps C proposes 3 times, B twice, A once: in proportion to power.
    /// </summary>
    [Fact]
    public void Weighted_round_robin_follows_the_worked_example()
    {
        ConsensusValidatorSet set = ConsensusValidatorSet.Create([V(0x0A, 1), V(0x0B, 2), V(0x0C, 3)]);
        var proposers = new List<string> { Name(set.Proposer) };
        Assert.Equal((1L, 2L, -3L), (PriorityOf(set, 0x0A), PriorityOf(set, 0x0B), PriorityOf(set, 0x0C)));
        for (int i = 0; i < 5; i++)
        {
            set = set.IncrementProposerPriority(1);
            proposers.Add(Name(set.Proposer));
        }

        Assert.Equal(["C", "B", "A", "C", "B", "C"], proposers);
        Assert.Equal((0L, 0L, 0L), (PriorityOf(set, 0x0A), PriorityOf(set, 0x0B), PriorityOf(set, 0x0C)));
    }

    [Fact]
    public void Incrementing_by_rounds_equals_incrementing_one_at_a_time()
    {
        ConsensusValidatorSet set = ConsensusValidatorSet.Create([V(0x0A, 1), V(0x0B, 2), V(0x0C, 3)]);
        Assert.Equal(Name(set.IncrementProposerPriority(1).IncrementProposerPriority(1).Proposer), Name(set.IncrementProposerPriority(2).Proposer));
    }

    /// <summary>
    /// From the genesis set (A1, B2, C-3) D joins with power 2: total becomes 8, D starts at -(8 + 8/8) = -9.
    /// (A1, B2, C-3, D-9): spread 11 within 2 x 8; average -9/4 floors to -3, so re-centred (A4, B5, C0, D-6).
    /// Next step: +power (A5, B7, C3, D-4) -> B proposes, B = 7 - 8 = -1.  The newcomer waits its turn.
    /// Then A leaves (power 0): (B-1, C3, D-4), total 7; average -2/3 floors to -1: (B0, C4, D-3);
    /// next step (B2, C7, D-1) -> C proposes, C = 0.
    /// </summary>
    [Fact]
    public void A_validator_joins_behind_the_queue_and_one_leaves()
    {
        ConsensusValidatorSet genesis = ConsensusValidatorSet.Create([V(0x0A, 1), V(0x0B, 2), V(0x0C, 3)]);
        ConsensusValidatorSet joined = genesis.WithUpdates([V(0x0D, 2)]);
        Assert.Equal(8, joined.TotalVotingPower);
        Assert.Equal((4L, 5L, 0L, -6L), (PriorityOf(joined, 0x0A), PriorityOf(joined, 0x0B), PriorityOf(joined, 0x0C), PriorityOf(joined, 0x0D)));
        Assert.Equal(["C", "B", "D", "A"], joined.Validators.Select(Name));

        ConsensusValidatorSet next = joined.IncrementProposerPriority(1);
        Assert.Equal("B", Name(next.Proposer));
        Assert.Equal((5L, -1L, 3L, -4L), (PriorityOf(next, 0x0A), PriorityOf(next, 0x0B), PriorityOf(next, 0x0C), PriorityOf(next, 0x0D)));

        ConsensusValidatorSet left = next.WithUpdates([V(0x0A, 0)]);
        Assert.Null(left.Find(Addr(0x0A)));
        Assert.Equal((0L, 4L, -3L), (PriorityOf(left, 0x0B), PriorityOf(left, 0x0C), PriorityOf(left, 0x0D)));
        ConsensusValidatorSet after = left.IncrementProposerPriority(1);
        Assert.Equal("C", Name(after.Proposer));
        Assert.Equal(0, PriorityOf(after, 0x0C));
    }

    [Fact]
    public void Every_validator_proposes_in_proportion_to_its_power_over_a_long_run()
    {
        ConsensusValidatorSet set = ConsensusValidatorSet.Create([V(0x0A, 1), V(0x0B, 3), V(0x0C, 6)]);
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 1000; i++)
        {
            counts[Name(set.Proposer)] = counts.GetValueOrDefault(Name(set.Proposer)) + 1;
            set = set.IncrementProposerPriority(1);
        }

        Assert.Equal(100, counts["A"]);
        Assert.Equal(300, counts["B"]);
        Assert.Equal(600, counts["C"]);
    }

    [Fact]
    public void Bad_updates_are_rejected_with_a_reason()
    {
        ConsensusValidatorSet set = ConsensusValidatorSet.Create([V(0x0A, 1), V(0x0B, 2)]);
        Assert.Contains("unknown", Assert.Throws<ValidatorSetException>(() => set.WithUpdates([V(0x0E, 0)])).Message);
        Assert.Contains("duplicate", Assert.Throws<ValidatorSetException>(() => set.WithUpdates([V(0x0E, 1), V(0x0E, 2)])).Message);
        Assert.Contains("empty", Assert.Throws<ValidatorSetException>(() => set.WithUpdates([V(0x0A, 0), V(0x0B, 0)])).Message);
        Assert.Throws<ValidatorSetException>(() => set.WithUpdates([V(0x0E, -1)]));
    }
}
