using Chain.Consensus.Blocks;
using Chain.Consensus.Commits;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Modules;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Production;

/// <summary>
/// Runs this node's validator through the Tendermint engine: one loop owns the <see cref="ConsensusDriver"/>
/// (engine, WAL at data/cs.wal, double-sign guard at data/priv_validator_state.pb), and everything that reaches it
/// (timeouts, peers' proposals and votes, blocks from block sync) comes through the <see cref="ConsensusInbox"/>,
/// so the engine sees one input at a time. A decided block is executed and committed with its commit and the
/// validator sets of the next height in one synced batch. On restart the driver resumes from the block store and
/// replays the WAL of the open height.
/// </summary>
public sealed class ConsensusService(
    NodeHome home,
    NodeConfig config,
    ConsensusInbox inbox,
    ConsensusFactory factory,
    BlockCommitter committer,
    ValidatorSetStore validatorSets,
    EvidencePool evidencePool,
    IConsensusGossip gossip,
    NodeMetrics metrics,
    PrivateKey validatorKey,
    TimeProvider clock,
    ILoggerFactory loggers) : BackgroundService, IConsensusHost, IConsensusLoop
{
    /// <summary>The file names under data/.</summary>
    public const string WalFileName = "cs.wal";

    public const string SignerStateFileName = "priv_validator_state.pb";

    private readonly ILogger _logger = loggers.CreateLogger<ConsensusService>();
    private FileWriteAheadLog? _wal;
    private DoubleSignGuard? _guard;
    private DoubleSignFault? _doubleSign;
    private ConsensusDriver? _driver;
    private CancellationToken _stopping;

    public long NowUnixNanos => clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    public ConsensusDriver Driver => _driver ?? throw new InvalidOperationException("consensus has not started");

    public EvidencePool Evidence => evidencePool;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await Task.Yield();
        Directory.CreateDirectory(home.DataDirectory);
        using var wal = new FileWriteAheadLog(Path.Combine(home.DataDirectory, WalFileName));
        _wal = wal;
        var signer = new Secp256k1VoteSigner(validatorKey);
        _guard = new DoubleSignGuard(
            signer,
            new FileSignerStateStore(Path.Combine(home.DataDirectory, SignerStateFileName)),
            factory.ChainId);
        if (config.Testing.DoubleSignAtHeight > 0)
        {
            _doubleSign = new DoubleSignFault(config.Testing.DoubleSignAtHeight, signer, factory.ChainId);
            _logger.LogWarning(
                "testing.double_sign_at_height is {Height}: this validator will sign two conflicting prevotes at that height and be punished for it. Test only; never set it on a real validator",
                config.Testing.DoubleSignAtHeight);
        }

        HeightStart start = StartDriver();
        LogRole(start);

        try
        {
            while (await inbox.Reader.WaitToReadAsync(stoppingToken))
            {
                while (inbox.Reader.TryRead(out Action<IConsensusLoop>? work))
                {
                    work(this);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogCritical(e, "Consensus failed at height {Height}; stopping the node", Driver.Engine.Height);
            throw;
        }
        finally
        {
            inbox.Complete();
        }
    }

    /// <summary>A driver over a fresh engine at the first height not in the store; it replays the WAL of that height.</summary>
    private HeightStart StartDriver()
    {
        HeightStart start = validatorSets.Resume();
        ConsensusEngine engine = factory.CreateEngine(start, validatorKey.Address);
        _driver = new ConsensusDriver(engine, _wal!, _guard, this, loggers.CreateLogger<ConsensusDriver>());
        _driver.Start();
        return start;
    }

    public SyncedBlockResult ApplySyncedBlock(Block block, Commit commit)
    {
        HeightStart at = validatorSets.Resume();
        if (block.Header is null || block.Header.Height != at.Height)
        {
            return new SyncedBlockResult(SyncedBlockOutcome.NotNext);
        }

        if (factory.Checker.Check(block) is { } problem)
        {
            return new SyncedBlockResult(SyncedBlockOutcome.Refused, problem);
        }

        CommitVerificationResult verdict = factory.Commits.Verify(factory.ChainId, at.Validators, at.Height, BlockIdentity.Of(block), commit);
        if (!verdict.IsValid)
        {
            return new SyncedBlockResult(SyncedBlockOutcome.Refused, $"its commit is not valid: {verdict.Message}");
        }

        CommitBlock(block, commit, at);
        StartDriver();
        return SyncedBlockResult.Applied;
    }

    public void BroadcastProposal(Proposal proposal, Block block) => gossip.BroadcastProposal(proposal, block);

    public void BroadcastVote(Vote vote)
    {
        gossip.BroadcastVote(vote);
        if (_doubleSign?.ConflictWith(vote) is { } conflicting)
        {
            _logger.LogWarning(
                "Double-signed on purpose (testing.double_sign_at_height): a second prevote at height {Height} round {Round} for {BlockId} besides the one for {Signed}",
                conflicting.Height, conflicting.Round, Describe(conflicting.BlockId), Describe(vote.BlockId));
            gossip.BroadcastEquivocation(conflicting);
        }
    }

    private static string Describe(BlockId? id) => BlockIdentity.IsNil(id) ? "nil" : Convert.ToHexString(id!.Hash.Span);

    public void ScheduleTimeout(TimeoutInfo timeout, TimeSpan delay)
    {
        _ = Task.Delay(delay, clock, _stopping).ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    inbox.Post(loop => loop.Driver.OnTimeout(timeout));
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public IReadOnlyList<ValidatorUpdate> CommitBlock(Block block, Commit commit, HeightStart decidedAt)
    {
        // The modules' validator updates shape the set of the height after next (HeightStart.Next), which is
        // written in the block's own batch, so a restart and block sync see the same sets as consensus.
        IReadOnlyList<ValidatorUpdate> updates = [];
        committer.ExecuteAndCommit(block, commit, LastCommitVotes(block), execution =>
        {
            updates = ToConsensus(execution.ValidatorUpdates);
            DecidedBlockRecords.Stage(block, decidedAt.Next(commit, updates), execution.Batch);
        });

        if (block.Evidence is not null)
        {
            var committed = new List<DuplicateVoteEvidence>(block.Evidence.Evidence.Count);
            foreach (Evidence e in block.Evidence.Evidence)
            {
                committed.Add(e.DuplicateVoteEvidence);
            }

            evidencePool.MarkCommitted(committed);
        }

        metrics.OnRound(commit.Round);
        return updates;
    }

    /// <summary>The validators of the previous height with their power and whether the block's last commit has their precommit.</summary>
    private IReadOnlyList<VoteInfo> LastCommitVotes(Block block)
    {
        ulong height = block.Header.Height;
        if (height <= 1 || validatorSets.ValidatorsAt(height - 1) is not { } previous)
        {
            return [];
        }

        var validators = new (byte[] Address, long Power)[previous.Count];
        for (int i = 0; i < previous.Count; i++)
        {
            validators[i] = (previous[i].Address, previous[i].VotingPower);
        }

        return BlockExecutor.LastCommitVotes(validators, block.LastCommit);
    }

    private static IReadOnlyList<ValidatorUpdate> ToConsensus(IReadOnlyList<ValidatorPowerUpdate> updates)
    {
        if (updates.Count == 0)
        {
            return [];
        }

        var converted = new ValidatorUpdate[updates.Count];
        for (int i = 0; i < updates.Count; i++)
        {
            converted[i] = new ValidatorUpdate(Crypto.Address.FromPublicKey(updates[i].PublicKey), updates[i].PublicKey, updates[i].Power);
        }

        return converted;
    }

    public void EvidenceFound(DuplicateVoteEvidence evidence)
    {
        EvidenceAddResult result = evidencePool.Add(evidence);
        _logger.LogWarning("Validator {Validator} signed conflicting votes at height {Height} round {Round}: evidence {Result}",
            Convert.ToHexString(evidence.VoteA.ValidatorAddress.Span), evidence.VoteA.Height, evidence.VoteA.Round, result);
        if (result == EvidenceAddResult.Added)
        {
            gossip.BroadcastEvidence(evidence);
        }
    }

    private void LogRole(HeightStart start)
    {
        ConsensusValidator? self = start.Validators.Find(validatorKey.Address);
        if (self is null)
        {
            _logger.LogWarning(
                "This node's validator key {Address} is not in the validator set of height {Height}; it follows the chain without voting",
                Convert.ToHexString(validatorKey.Address), start.Height);
            return;
        }

        _logger.LogInformation(
            "Consensus from height {Height} as validator {Address} with {Power} of {Total} voting power (timeout_commit {TimeoutCommit})",
            start.Height, Convert.ToHexString(validatorKey.Address), self.VotingPower, start.Validators.TotalVotingPower,
            Duration.Format(config.Consensus.TimeoutCommit));
        if (self.VotingPower * 3 <= start.Validators.TotalVotingPower * 2)
        {
            _logger.LogInformation("This validator alone holds no more than 2/3 of the power: blocks are committed with peers' votes");
        }
    }
}
