using Chain.Consensus.Blocks;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Options;
using Chain.Consensus.Signing;
using Chain.Consensus.Tests.Simulation;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Wal;

/// <summary>A validator that crashes at each step of a height restarts from its WAL exactly where it was.</summary>
public sealed class WalReplayTests : DriverHarness
{
    private static (ulong, uint, RoundStep, int, int) State(ConsensusEngine e) => (e.Height, e.Round, e.Step, e.LockedRound, e.ValidRound);

    [Theory]
    [InlineData(Stage.Propose, (int)RoundStep.Propose)]
    [InlineData(Stage.Prevote, (int)RoundStep.Prevote)]
    [InlineData(Stage.Precommit, (int)RoundStep.Precommit)]
    [InlineData(Stage.Commit, (int)RoundStep.NewHeight)]
    public void Restart_after_a_crash_resumes_the_height_exactly(Stage stage, int expectedStep)
    {
        (ConsensusDriver before, RecordingHost hostBefore) = Boot();
        RunTo(before, stage);
        Assert.Equal((RoundStep)expectedStep, before.Engine.Step);
        var expected = State(before.Engine);
        if (stage == Stage.Commit)
        {
            Assert.Single(hostBefore.Commits);
            _start = new HeightStart(before.Engine.Height, before.Engine.Validators, before.Engine.NextValidators, before.Engine.LastCommit);
        }

        _wal.Crash(int.MaxValue); // the process dies; what it handed the OS survives
        (ConsensusDriver after, RecordingHost hostAfter) = Boot();

        Assert.Equal(expected, State(after.Engine));
        Assert.Empty(hostAfter.Commits); // a committed height is not decided twice
        if (stage is Stage.Prevote or Stage.Precommit)
        {
            // Replay re-derives the latest vote and the guard hands back the same signature and timestamp;
            // earlier own votes come back from the WAL's own-vote records (the guard refuses to go back to them).
            Assert.Equal(hostBefore.Votes[^1].ToByteString(), hostAfter.Votes[^1].ToByteString());
            Assert.All(hostAfter.Votes, v => Assert.Contains(v.ToByteString(), hostBefore.Votes.Select(b => b.ToByteString())));
            Assert.Equal(hostBefore.Votes.Count, after.Engine.GetVotes(0, SignedMsgType.Prevote).Count(v => v.ValidatorAddress.Span.SequenceEqual(_self.Address))
                + after.Engine.GetVotes(0, SignedMsgType.Precommit).Count(v => v.ValidatorAddress.Span.SequenceEqual(_self.Address)));
        }
    }

    [Theory]
    [InlineData(Stage.Prevote)]
    [InlineData(Stage.Precommit)]
    public void A_power_cut_loses_nothing_before_the_last_own_signature(Stage stage)
    {
        (ConsensusDriver before, RecordingHost _) = Boot();
        RunTo(before, stage);
        var expected = State(before.Engine);
        _wal.Crash(0); // everything not fsynced is gone
        (ConsensusDriver after, RecordingHost _) = Boot();
        Assert.Equal(expected, State(after.Engine));
    }

    [Fact]
    public void Crash_after_the_block_is_stored_but_before_the_end_of_height_marker_starts_the_next_height()
    {
        (ConsensusDriver before, RecordingHost host) = Boot();
        host.CrashOnCommit = true;
        Assert.Throws<SimulatedCrashException>(() => RunTo(before, Stage.Commit));
        Block stored = host.Commits.Single().Block;
        Assert.DoesNotContain(_wal.ReadAll(), r => r.SumCase == WalRecord.SumOneofCase.EndHeight && r.EndHeight.Height == 1);

        // The block store has height 1; the node restarts at height 2 with the validator sets it derives.
        _start = new HeightStart(2, _start.NextValidators, _start.NextValidators.IncrementProposerPriority(1), host.Commits.Single().Commit);
        (ConsensusDriver after, RecordingHost hostAfter) = Boot();
        Assert.Equal((2UL, 0U, RoundStep.NewHeight), (after.Engine.Height, after.Engine.Round, after.Engine.Step));
        Assert.Equal(0, after.ReplayedRecords);
        Assert.Empty(hostAfter.Votes);
        Assert.NotNull(stored);
        Assert.Contains(_wal.ReadAll(), r => r.SumCase == WalRecord.SumOneofCase.EndHeight && r.EndHeight.Height == 1);
    }

    [Fact]
    public void Own_votes_are_durable_before_they_are_broadcast()
    {
        (ConsensusDriver driver, RecordingHost host) = Boot();
        RunTo(driver, Stage.Prevote);
        Assert.Single(host.Votes);
        Assert.Equal(_wal.Length, _wal.SyncedLength);
        Assert.Contains(_wal.ReadAll(), r => r.SumCase == WalRecord.SumOneofCase.OwnVote && r.OwnVote.Signature.Equals(host.Votes[0].Signature));
    }
}
