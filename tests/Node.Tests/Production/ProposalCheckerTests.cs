using Chain.Consensus.Blocks;
using Chain.Consensus.Commits;
using Chain.Consensus.Engine;
using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Crypto;
using Chain.Node.App;
using Chain.Node.Config;
using Chain.Node.Production;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.App;
using Chain.State.Blocks;
using Chain.State.Execution;
using Chain.State.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Production;

/// <summary>The blocks this node builds are the blocks it accepts, and a proposal that breaks any header, commit,
/// data or evidence rule is refused with a message naming the rule.</summary>
public sealed class ProposalCheckerTests : IDisposable
{
    private const string ChainId = "checker-test";

    /// <summary>Evidence expires 2 blocks and 1 ms after it (the votes here are stamped at the epoch).</summary>
    private static readonly EvidenceMaxAge MaxAge = new(2, TimeSpan.FromMilliseconds(1));
    private readonly PrivateKey _validator = PrivateKey.Generate();
    private readonly ChainApp _app;
    private readonly ValidatorSetStore _sets;
    private readonly BlockBuilder _builder;
    private readonly ProposalChecker _checker;
    private readonly EvidencePool _evidence;
    private readonly P2p.ManualClock _clock = new();

    public ProposalCheckerTests()
    {
        var genesis = new GenesisDoc
        {
            ChainId = ChainId,
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams { BlockMaxBytes = 1 << 22, BlockMaxGas = 1_000_000_000, TxMaxBytes = 1 << 20 },
            Validators = { new GenesisValidator { Name = "v", PublicKey = Convert.ToHexStringLower(_validator.PublicKey), Power = 10 } },
            AppState = { ModuleCatalog.Create().DefaultAppState() },
        };
        _app = ChainApp.Open(new MemoryKeyValueStore(), genesis, ModuleCatalog.Create());
        _sets = ValidatorSetStore.For(_app);
        var verifier = new Secp256k1SignatureVerifier();
        var rules = new HeaderRules(_app.Executor);
        var evidenceVerifier = new EvidenceVerifier(verifier, ChainId, _sets, rules, MaxAge);
        var committedEvidence = new CommittedEvidence(_app.Store);
        var mempool = new Node.Mempool.Mempool(_app.Executor, new MempoolOptions(), new GasPrice(0.01m, "uchn"), NullLogger<Node.Mempool.Mempool>.Instance);
        _evidence = new EvidencePool(evidenceVerifier, committedEvidence);
        _builder = new BlockBuilder(_app.Executor, rules, mempool, _evidence, committedEvidence,
            1 << 22, 10_000, _clock);
        _checker = new ProposalChecker(_app.Executor, rules, _sets, new CommitVerifier(verifier), evidenceVerifier, committedEvidence,
            1 << 22, 1 << 20, _clock, TimeSpan.FromSeconds(10), NullLogger<ProposalChecker>.Instance);
    }

    public void Dispose() => _app.Dispose();

    private Block Build()
    {
        HeightStart start = _sets.Resume();
        return _builder.CreateBlock(new BlockRequest(start.Height, 0, _validator.Address, start.LastCommit, start.Validators, start.NextValidators));
    }

    /// <summary>Decides a block as the single validator would: one precommit, the commit, the records kept beside it, one batch.</summary>
    private void Commit(Block block)
    {
        HeightStart start = _sets.Resume();
        BlockId id = BlockIdentity.Of(block);
        var vote = new Vote { Type = SignedMsgType.Precommit, Height = start.Height, Round = 0, BlockId = id, TimestampUnixNanos = block.Header.TimeUnixNanos };
        var commit = new Commit { Height = start.Height, Round = 0, BlockId = id };
        commit.Signatures.Add(new CommitSig
        {
            BlockIdFlag = BlockIdFlag.Commit,
            ValidatorAddress = ByteString.CopyFrom(_validator.Address),
            TimestampUnixNanos = vote.TimestampUnixNanos,
            Signature = ByteString.CopyFrom(new Secp256k1VoteSigner(_validator).Sign(CanonicalSignBytes.ForVote(ChainId, vote))),
        });
        using var execution = _app.Executor.Execute(block);
        DecidedBlockRecords.Stage(block, start.Next(commit, []), execution.Batch);
        _app.Executor.Commit(execution, commit);
    }

    [Fact]
    public void Blocks_the_builder_makes_are_valid_and_a_restart_resumes_where_the_engine_would_be()
    {
        HeightStart genesis = _sets.Resume();
        Block first = Build();
        Assert.Null(_checker.Check(first));
        Commit(first);
        Block second = Build();
        Assert.Null(_checker.Check(second));
        Commit(second);

        HeightStart resumed = _sets.Resume();
        HeightStart expected = genesis.Next(_app.Executor.Blocks.GetSeenCommit(1)!, []).Next(_app.Executor.Blocks.GetSeenCommit(2)!, []);
        Assert.Equal(3UL, resumed.Height);
        Assert.Equal(expected.Validators.ToProto(), resumed.Validators.ToProto());
        Assert.Equal(expected.NextValidators.ToProto(), resumed.NextValidators.ToProto());
        Assert.Equal(_app.Executor.Blocks.GetSeenCommit(2), resumed.LastCommit);
    }

    [Fact]
    public void The_last_block_kept_from_its_commit_is_what_reading_it_back_gives_and_what_the_next_header_names()
    {
        Block first = Build();
        Commit(first);
        Block second = Build();
        second.Header.TimeUnixNanos += 7;
        Commit(second);

        var kept = _app.Executor.Blocks.Summary(2)!;
        var reread = new BlockStore(_app.Store).Summary(2)!;
        Assert.Equal(BlockIdentity.Of(second).Hash.ToByteArray(), kept.Hash);
        Assert.Equal(second.Header.TimeUnixNanos, kept.TimeUnixNanos);
        Assert.Equal(BlockExecutor.ResultsHash(_app.Executor.Blocks.GetResults(2)), kept.ResultsHash);
        Assert.Equal(kept, reread with { Hash = kept.Hash, ResultsHash = kept.ResultsHash });
        Assert.Equal(kept.Hash, reread.Hash);
        Assert.Equal(kept.ResultsHash, reread.ResultsHash);

        // An older block is read back from the store; a missing one is null.
        Assert.Equal(BlockIdentity.Of(first).Hash.ToByteArray(), _app.Executor.Blocks.Summary(1)!.Hash);
        Assert.Null(_app.Executor.Blocks.Summary(3));

        Block third = Build();
        Assert.Equal(kept.Hash, third.Header.LastBlockId.Hash.ToByteArray());
        Assert.Equal(kept.ResultsHash, third.Header.LastResultsHash.ToByteArray());
        Assert.Null(_checker.Check(third));
    }

    [Fact]
    public void A_block_time_ahead_of_this_clock_by_more_than_the_drift_is_not_timely()
    {
        Block block = Build();
        Assert.True(_checker.IsTimely(block));
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

        block.Header.TimeUnixNanos = now + TimeSpan.FromSeconds(10).Ticks * 100;
        Assert.True(_checker.IsTimely(block));
        block.Header.TimeUnixNanos += 1_000_000;
        Assert.False(_checker.IsTimely(block));
        block.Header.TimeUnixNanos = long.MaxValue;
        Assert.False(_checker.IsTimely(block));

        // Time passes: the same block comes within the drift (timeliness is this clock's view, not a block rule).
        block.Header.TimeUnixNanos = now + TimeSpan.FromSeconds(15).Ticks * 100;
        Assert.False(_checker.IsTimely(block));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_checker.IsTimely(block));
    }

    [Fact]
    public void After_a_block_at_the_end_of_time_the_builder_still_makes_a_later_block_and_no_overflow()
    {
        Block last = Build();
        last.Header.TimeUnixNanos = long.MaxValue - 10;
        Commit(last);

        Block next = Build();
        Assert.Equal(long.MaxValue, next.Header.TimeUnixNanos);
        Assert.Null(_checker.Check(next));
    }

    private DuplicateVoteEvidence DoubleSign(ulong height, byte fillA = 1, byte fillB = 2)
    {
        var signer = new Secp256k1VoteSigner(_validator);
        Vote Signed(byte fill)
        {
            var vote = new Vote
            {
                Type = SignedMsgType.Precommit, Height = height, Round = 0, TimestampUnixNanos = 1,
                BlockId = new BlockId { Hash = ByteString.CopyFrom(Enumerable.Repeat(fill, 32).ToArray()) },
                ValidatorAddress = ByteString.CopyFrom(_validator.Address), ValidatorIndex = 0,
            };
            vote.Signature = ByteString.CopyFrom(signer.Sign(CanonicalSignBytes.ForVote(ChainId, vote)));
            return vote;
        }

        return new DuplicateVoteEvidence { VoteA = Signed(fillA), VoteB = Signed(fillB), ValidatorPower = 10, TotalVotingPower = 10, TimestampUnixNanos = 1 };
    }

    private string? CheckCarrying(params DuplicateVoteEvidence[] evidence)
    {
        Block block = Build();
        block.Evidence.Evidence.Clear();
        foreach (DuplicateVoteEvidence e in evidence)
        {
            block.Evidence.Evidence.Add(new Evidence { DuplicateVoteEvidence = e });
        }

        block.Header.EvidenceHash = ByteString.CopyFrom(HeaderRules.EvidenceHash(block.Evidence));
        return _checker.Check(block);
    }

    [Fact]
    public void A_committed_offence_is_refused_however_it_is_restated()
    {
        Commit(Build());
        Assert.Equal(EvidenceAddResult.Added, _evidence.Add(DoubleSign(1)));
        Block withEvidence = Build();
        Assert.Single(withEvidence.Evidence.Evidence);
        Commit(withEvidence);

        // Another pair of the offender's conflicting votes of the same height, round and type: the same offence.
        Assert.Contains("already committed", CheckCarrying(DoubleSign(1, 1, 3)));
        DuplicateVoteEvidence swapped = DoubleSign(1, 2, 1);
        Assert.NotNull(CheckCarrying(swapped));
        DuplicateVoteEvidence retimed = DoubleSign(1);
        retimed.TimestampUnixNanos = 2;
        Assert.NotNull(CheckCarrying(retimed));

        // A node that restarted (its pool empty) does not take the offence from a peer again either.
        var restarted = new EvidencePool(new EvidenceVerifier(new Secp256k1SignatureVerifier(), ChainId, _sets, new HeaderRules(_app.Executor), MaxAge),
            new CommittedEvidence(_app.Store));
        Assert.Equal(EvidenceAddResult.AlreadyCommitted, restarted.Add(swapped));
    }

    [Fact]
    public void Two_restatements_of_one_offence_in_one_block_are_refused()
    {
        Commit(Build());
        Commit(Build());
        Assert.Contains("appears twice", CheckCarrying(DoubleSign(1, 1, 2), DoubleSign(1, 1, 3)));
        Assert.Null(CheckCarrying(DoubleSign(1, 1, 2)));
    }

    [Fact]
    public void Evidence_older_than_the_max_age_is_refused_from_peers_and_in_a_block()
    {
        Commit(Build());
        DuplicateVoteEvidence early = DoubleSign(1);
        Assert.Null(CheckCarrying(early));
        Commit(Build());
        Commit(Build());
        Assert.Null(CheckCarrying(early)); // 2 blocks after it: not yet more than the limit

        Commit(Build());
        Assert.Contains("older than 2 blocks", CheckCarrying(early));
        Assert.Equal(EvidenceAddResult.Expired, _evidence.Add(early));
    }

    [Fact]
    public void Evidence_of_double_signing_is_proposed_once_committed_and_never_accepted_again()
    {
        Commit(Build());
        Assert.Equal(EvidenceAddResult.Added, _evidence.Add(DoubleSign(1)));

        Block withEvidence = Build();
        Assert.Single(withEvidence.Evidence.Evidence);
        Assert.Null(_checker.Check(withEvidence));
        Commit(withEvidence);
        _evidence.MarkCommitted([withEvidence.Evidence.Evidence[0].DuplicateVoteEvidence]);

        Block next = Build();
        Assert.Empty(next.Evidence.Evidence);

        // A proposer that carries it again is refused, even with the hashes made to match.
        next.Evidence.Evidence.Add(withEvidence.Evidence.Evidence[0]);
        next.Header.EvidenceHash = ByteString.CopyFrom(HeaderRules.EvidenceHash(next.Evidence));
        Assert.Contains("already committed", _checker.Check(next));
    }

    [Fact]
    public void Evidence_of_the_height_being_built_waits_for_the_next_block()
    {
        // Found while height 1 is still open (a later round of it, say): a block of height 1 may not carry it,
        // or every proposer of every later round would build a block that every validator refuses.
        Assert.Equal(EvidenceAddResult.Added, _evidence.Add(DoubleSign(1)));

        Block sameHeight = Build();
        Assert.Empty(sameHeight.Evidence.Evidence);
        Assert.Null(_checker.Check(sameHeight));
        Commit(sameHeight);

        Block next = Build();
        Assert.Single(next.Evidence.Evidence);
        Assert.Null(_checker.Check(next));
    }

    [Fact]
    public void Evidence_that_does_not_verify_is_refused()
    {
        Commit(Build());
        Block block = Build();
        DuplicateVoteEvidence forged = DoubleSign(1);
        forged.VoteB.Signature = ByteString.CopyFrom(new byte[64]);
        block.Evidence.Evidence.Add(new Evidence { DuplicateVoteEvidence = forged });
        block.Header.EvidenceHash = ByteString.CopyFrom(HeaderRules.EvidenceHash(block.Evidence));
        Assert.Contains("invalid evidence", _checker.Check(block));
    }

    public static TheoryData<string, string> Breakages() => new()
    {
        { "chain", "chain id" },
        { "height", "height is 3" },
        { "time", "is not after the previous block" },
        { "last_block_id", "last_block_id" },
        { "app_hash", "app_hash" },
        { "validators_hash", "validators_hash" },
        { "last_results_hash", "last_results_hash" },
        { "proposer", "is not a validator" },
        { "no_last_commit", "carries no commit of block 1" },
        { "last_commit_signature", "commit of block 1 is not valid" },
        { "extra_tx", "data_hash" },
        { "evidence_hash", "evidence_hash" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_proposal_that_breaks_a_rule_is_refused_with_its_reason(string breakage, string expected)
    {
        Commit(Build());
        Block block = Build();
        Header h = block.Header;
        switch (breakage)
        {
            case "chain": h.ChainId = "other-chain"; break;
            case "height": h.Height = 3; break;
            case "time": h.TimeUnixNanos = _app.Executor.Blocks.GetBlock(1)!.Header.TimeUnixNanos; break;
            case "last_block_id": h.LastBlockId = new BlockId { Hash = ByteString.CopyFrom(new byte[32]) }; break;
            case "app_hash": h.AppHash = ByteString.CopyFrom(new byte[32]); break;
            case "validators_hash": h.ValidatorsHash = ByteString.CopyFrom(new byte[32]); break;
            case "last_results_hash": h.LastResultsHash = ByteString.CopyFrom(new byte[32]); break;
            case "proposer": h.ProposerAddress = ByteString.CopyFrom(PrivateKey.Generate().Address); break;
            case "no_last_commit":
                block.LastCommit = new Commit();
                h.LastCommitHash = ByteString.CopyFrom(HeaderRules.LastCommitHash(null));
                break;
            case "last_commit_signature":
                var sig = block.LastCommit.Signatures[0].Signature.ToByteArray();
                sig[5] ^= 1;
                block.LastCommit.Signatures[0].Signature = ByteString.CopyFrom(sig);
                h.LastCommitHash = ByteString.CopyFrom(HeaderRules.LastCommitHash(block.LastCommit));
                break;
            case "extra_tx": block.Data.Txs.Add(ByteString.CopyFromUtf8("not listed in the data hash")); break;
            case "evidence_hash": h.EvidenceHash = ByteString.CopyFrom(new byte[32]); break;
        }

        string? problem = _checker.Check(block);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.False(_checker.IsValid(block));
    }
}
