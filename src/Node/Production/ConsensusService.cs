using System.Threading.Channels;
using Chain.Consensus.Driver;
using Chain.Consensus.Engine;
using Chain.Consensus.Evidence;
using Chain.Consensus.Signing;
using Chain.Consensus.Validators;
using Chain.Consensus.Wal;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Types;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Production;

/// <summary>
/// Runs this node's validator through the Tendermint engine: one loop owns the <see cref="ConsensusDriver"/>
/// (engine, WAL at data/cs.wal, double-sign guard at data/priv_validator_state.pb) and everything that reaches it
/// (timeouts, proposals and votes from peers) is posted to that loop, so the engine sees one input at a time.
/// A decided block is executed and committed with its commit and the validator sets of the next height in one
/// synced batch. On restart the driver resumes from the block store and replays the WAL of the open height.
/// </summary>
public sealed class ConsensusService(
    NodeHome home,
    NodeConfig config,
    ConsensusFactory factory,
    BlockCommitter committer,
    ValidatorSetStore validatorSets,
    EvidencePool evidencePool,
    IConsensusGossip gossip,
    NodeMetrics metrics,
    PrivateKey validatorKey,
    TimeProvider clock,
    ILoggerFactory loggers) : BackgroundService, IConsensusHost
{
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger = loggers.CreateLogger<ConsensusService>();
    private ConsensusDriver? _driver;
    private CancellationToken _stopping;

    /// <summary>The file names under data/.</summary>
    public const string WalFileName = "cs.wal";

    public const string SignerStateFileName = "priv_validator_state.pb";

    public long NowUnixNanos => clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>A proposal from a peer (thread-safe).</summary>
    public void PostProposal(Proposal proposal, Block block) => Post(d => d.OnProposal(proposal, block));

    /// <summary>A vote from a peer (thread-safe).</summary>
    public void PostVote(Vote vote) => Post(d => d.OnVote(vote));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await Task.Yield();
        Directory.CreateDirectory(home.DataDirectory);
        using var wal = new FileWriteAheadLog(Path.Combine(home.DataDirectory, WalFileName));
        var guard = new DoubleSignGuard(
            new Secp256k1VoteSigner(validatorKey),
            new FileSignerStateStore(Path.Combine(home.DataDirectory, SignerStateFileName)),
            factory.ChainId);
        HeightStart start = validatorSets.Resume();
        ConsensusEngine engine = factory.CreateEngine(start, validatorKey.Address);
        _driver = new ConsensusDriver(engine, wal, guard, this, loggers.CreateLogger<ConsensusDriver>());
        LogRole(start);
        _driver.Start();

        try
        {
            while (await _inbox.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_inbox.Reader.TryRead(out Action? action))
                {
                    action();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogCritical(e, "Consensus failed at height {Height}; stopping the node", _driver.Engine.Height);
            throw;
        }
    }

    public void BroadcastProposal(Proposal proposal, Block block) => gossip.BroadcastProposal(proposal, block);

    public void BroadcastVote(Vote vote) => gossip.BroadcastVote(vote);

    public void ScheduleTimeout(TimeoutInfo timeout, TimeSpan delay)
    {
        CancellationToken stopping = _stopping;
        _ = Task.Delay(delay, clock, stopping).ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    Post(d => d.OnTimeout(timeout));
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public IReadOnlyList<ValidatorUpdate> CommitBlock(Block block, Commit commit, HeightStart decidedAt)
    {
        using var execution = committer.Execute(block);

        // No module changes the validator set yet (staking lands later), so the next sets follow by priority alone.
        IReadOnlyList<ValidatorUpdate> updates = [];
        ValidatorSetStore.Stage(decidedAt.Next(commit, updates), execution.Batch);
        CommittedEvidence.Stage(block.Evidence, execution.Batch);
        committer.Commit(execution, commit);

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

    private void Post(Action<ConsensusDriver> action)
    {
        if (!_inbox.Writer.TryWrite(() =>
            {
                if (_driver is not null)
                {
                    action(_driver);
                }
            }))
        {
            _logger.LogDebug("Consensus is stopping; an input was dropped");
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
            _logger.LogWarning("This validator alone holds no more than 2/3 of the power: blocks are committed only with peers' votes");
        }
    }
}
