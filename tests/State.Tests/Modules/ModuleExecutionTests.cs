using Chain.Crypto;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Execution;
using Chain.State.Modules;
using Chain.State.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Chain.State.Tests.Modules;

/// <summary>What the block executor hands modules (BlockInfo) and takes from them (validator updates, genesis, export).</summary>
public sealed class ModuleExecutionTests
{
    private static (ChainApp App, TestModule First, TestModule Second) Open(ulong secondValue = 7)
    {
        var first = new TestModule("first", new NoAccounts());
        var second = new TestModule("second");
        var set = new ModuleSet([first, second]);
        var genesis = new GenesisDoc { ChainId = "t", InitialHeight = 1, AppState = { set.DefaultAppState() } };
        AppStateSections.Set(genesis, "second", new UInt64Value { Value = secondValue });
        return (ChainApp.Open(new MemoryKeyValueStore(), genesis, set), first, second);
    }

    private static Block Block(ulong height, Commit? lastCommit = null, EvidenceList? evidence = null) => new()
    {
        Header = new Header { ChainId = "t", Height = height, TimeUnixNanos = (long)height * 1_000_000_000, ProposerAddress = ByteString.CopyFrom(new byte[20]) },
        Data = new Data(),
        LastCommit = lastCommit,
        Evidence = evidence,
    };

    private static byte[] Key(byte seed)
    {
        var key = PrivateKey.FromBytes(Enumerable.Repeat(seed, 32).ToArray());
        return key.PublicKey;
    }

    [Fact]
    public void End_block_updates_of_every_module_are_returned_in_module_order()
    {
        var (app, first, second) = Open();
        using var _ = app;
        first.Updates = [new ValidatorPowerUpdate(Key(1), 5)];
        second.Updates = [new ValidatorPowerUpdate(Key(2), 0)];

        using var execution = app.Executor.Execute(Block(1));

        Assert.Equal([5L, 0L], execution.ValidatorUpdates.Select(u => u.Power));
        Assert.Equal(Convert.ToHexString(Key(1)), Convert.ToHexString(execution.ValidatorUpdates[0].PublicKey));
    }

    [Fact]
    public void Two_modules_updating_one_validator_in_a_block_is_a_programming_error()
    {
        var (app, first, second) = Open();
        using var _ = app;
        first.Updates = [new ValidatorPowerUpdate(Key(1), 5)];
        second.Updates = [new ValidatorPowerUpdate(Key(1), 6)];

        var e = Assert.Throws<InvalidOperationException>(() => app.Executor.Execute(Block(1)));
        Assert.Contains("module second updates validator", e.Message);
    }

    [Fact]
    public void Begin_block_sees_the_last_commit_votes_and_the_evidence_of_the_block()
    {
        var (app, first, _) = Open();
        using var __ = app;
        byte[] a = [.. Enumerable.Repeat((byte)1, 20)], b = [.. Enumerable.Repeat((byte)2, 20)], c = [.. Enumerable.Repeat((byte)3, 20)];
        var commit = new Commit
        {
            Height = 1,
            Signatures =
            {
                new CommitSig { BlockIdFlag = BlockIdFlag.Commit, ValidatorAddress = ByteString.CopyFrom(a) },
                new CommitSig { BlockIdFlag = BlockIdFlag.Absent },
                new CommitSig { BlockIdFlag = BlockIdFlag.Nil, ValidatorAddress = ByteString.CopyFrom(c) },
            },
        };
        var votes = BlockExecutor.LastCommitVotes([(a, 10), (b, 20), (c, 30)], commit);
        var evidence = new EvidenceList
        {
            Evidence =
            {
                new Evidence
                {
                    DuplicateVoteEvidence = new DuplicateVoteEvidence
                    {
                        VoteA = new Vote { Height = 1, ValidatorAddress = ByteString.CopyFrom(b) },
                        VoteB = new Vote { Height = 1, ValidatorAddress = ByteString.CopyFrom(b) },
                        ValidatorPower = 20,
                        TotalVotingPower = 60,
                        TimestampUnixNanos = 42,
                    },
                },
            },
        };

        using var execution = app.Executor.Execute(Block(1, commit, evidence), votes);

        var seen = first.SeenBlock!;
        Assert.Equal([true, false, false], seen.LastCommitVotes.Select(v => v.Signed));
        Assert.Equal([10L, 20L, 30L], seen.LastCommitVotes.Select(v => v.Power));
        var m = Assert.Single(seen.Evidence);
        Assert.Equal((MisbehaviorKind.DuplicateVote, 1UL, 42L, 20L, 60L), (m.Kind, m.Height, m.TimeUnixNanos, m.ValidatorPower, m.TotalVotingPower));
        Assert.Equal(b, m.ValidatorAddress);
    }

    [Fact]
    public void A_commit_signed_by_someone_else_at_a_validators_place_does_not_count_as_its_vote()
    {
        byte[] a = [.. Enumerable.Repeat((byte)1, 20)], other = [.. Enumerable.Repeat((byte)9, 20)];
        var commit = new Commit { Signatures = { new CommitSig { BlockIdFlag = BlockIdFlag.Commit, ValidatorAddress = ByteString.CopyFrom(other) } } };

        var votes = BlockExecutor.LastCommitVotes([(a, 10), (other, 5)], commit);

        Assert.Equal([false, false], votes.Select(v => v.Signed));
    }

    [Fact]
    public void Export_returns_each_modules_section_as_genesis_wrote_it()
    {
        var (app, _, _) = Open(secondValue: 99);
        using var _ = app;

        var exported = app.Export([], "2026-01-01T00:00:00Z");

        Assert.Equal(app.Genesis.AppState, exported.AppState);
        Assert.Equal(99UL, AppStateSections.Get<UInt64Value>(exported, "second").Value);
    }

    [Fact]
    public void A_section_a_module_refuses_stops_the_chain_from_opening()
    {
        var e = Assert.Throws<GenesisStateException>(() => Open(secondValue: 5000));
        Assert.Contains("app_state.second.value must be at most 1000", e.Message);
    }
}
