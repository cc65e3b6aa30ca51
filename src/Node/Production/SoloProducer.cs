using Chain.Consensus.Signing;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Types;
using Chain.State.Execution;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Production;

/// <summary>
/// Produces a block every timeout_commit with the node's own validator key, for a chain whose genesis
/// gives this key more than two thirds of the voting power. The BFT engine replaces it once networking
/// lands; until then a single validator decides alone and signs the commit itself.
/// </summary>
public sealed class SoloProducer(
    BlockExecutor executor,
    BlockBuilder builder,
    BlockCommitter committer,
    ValidatorInfo validators,
    PrivateKey validatorKey,
    NodeConfig config,
    ILogger<SoloProducer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var address = validatorKey.Address;
        var power = validators.PowerOf(address);
        if (power * 3 <= validators.Set.TotalVotingPower * 2)
        {
            logger.LogError(
                "This node's validator key {Address} holds {Power} of {Total} voting power; a single node needs more than 2/3 to commit blocks. Waiting for peers (networking is not available yet).",
                Convert.ToHexString(address), power, validators.Set.TotalVotingPower);
            return;
        }

        logger.LogInformation("Producing blocks every {Interval} as validator {Address}", config.Consensus.TimeoutCommit, Convert.ToHexString(address));
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            try
            {
                ProduceOne(address);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogCritical(e, "Block production failed at height {Height}; stopping the node", executor.LastHeight + 1);
                throw;
            }

            var wait = config.Consensus.TimeoutCommit - (DateTime.UtcNow - started);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void ProduceOne(byte[] address)
    {
        var block = builder.Build(DateTimeOffset.UtcNow, address);
        using var execution = committer.Execute(block);
        var commit = SignCommit(execution);
        committer.Commit(execution, commit);
    }

    private Commit SignCommit(BlockExecution execution)
    {
        var header = execution.Block.Header;
        var blockId = new BlockId { Hash = ByteString.CopyFrom(execution.BlockHash) };
        var vote = new Vote
        {
            Type = SignedMsgType.Precommit,
            Height = header.Height,
            Round = 0,
            BlockId = blockId,
            TimestampUnixNanos = header.TimeUnixNanos,
        };
        var signature = new Secp256k1VoteSigner(validatorKey).Sign(CanonicalSignBytes.ForVote(header.ChainId, vote));
        var commit = new Commit { Height = header.Height, Round = 0, BlockId = blockId };
        commit.Signatures.Add(new CommitSig
        {
            BlockIdFlag = BlockIdFlag.Commit,
            ValidatorAddress = ByteString.CopyFrom(validatorKey.Address),
            TimestampUnixNanos = header.TimeUnixNanos,
            Signature = ByteString.CopyFrom(signature),
        });
        return commit;
    }
}
