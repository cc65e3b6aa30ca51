using Chain.Consensus.Blocks;
using Chain.Consensus.Evidence;
using Chain.Proto.Types;
using Chain.State.Execution;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>
/// Builds the block this validator proposes: mempool txs up to the block's byte, gas and count limits, pending
/// evidence of earlier heights not yet committed, and a header from <see cref="HeaderRules"/>. Called by the
/// consensus engine.
/// </summary>
public sealed class BlockBuilder(
    BlockExecutor executor,
    HeaderRules rules,
    Mempool.Mempool mempool,
    EvidencePool evidencePool,
    CommittedEvidence committedEvidence,
    ulong blockMaxBytes,
    int maxBlockTxs,
    TimeProvider clock) : IBlockSource
{
    /// <summary>Bytes kept free in a block for header, commit and evidence.</summary>
    public const long Overhead = 64 * 1024;

    /// <summary>Most evidence items in one block.</summary>
    public const int MaxEvidence = 50;

    public Block CreateBlock(BlockRequest request)
    {
        Header header = rules.Template(request.LastCommit, request.Validators, request.NextValidators);
        long time = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        long previous = rules.PreviousTime();
        // After the previous block, by a millisecond if this clock is behind it; never past the end of time (the
        // checkers keep a proposal's time within max_clock_drift of honest clocks, so this is a guard, not a path).
        header.TimeUnixNanos = time > previous ? time : previous > long.MaxValue - 1_000_000 ? long.MaxValue : previous + 1_000_000;

        long maxBytes = Math.Max(0, (long)blockMaxBytes - Overhead);
        var data = new Data();
        foreach (var tx in mempool.Reap(maxBytes, executor.BlockMaxGas, maxBlockTxs))
        {
            data.Txs.Add(ByteString.CopyFrom(tx.Bytes));
        }

        var evidence = new EvidenceList();
        foreach (DuplicateVoteEvidence e in evidencePool.PendingEvidence(MaxEvidence))
        {
            // Evidence found while this height is still open (a validator equivocated in an earlier round of it)
            // waits for the next height: the proposal checker refuses a block carrying evidence of its own height,
            // so carrying it would make every later round's block invalid and stall the height.
            if (e.VoteA is null || e.VoteA.Height >= request.Height)
            {
                continue;
            }

            var item = new Evidence { DuplicateVoteEvidence = e };
            if (!committedEvidence.Contains(item))
            {
                evidence.Evidence.Add(item);
            }
        }

        header.DataHash = ByteString.CopyFrom(HeaderRules.DataHash(data.Txs));
        header.EvidenceHash = ByteString.CopyFrom(HeaderRules.EvidenceHash(evidence));
        header.ProposerAddress = ByteString.CopyFrom(request.ProposerAddress);
        return new Block { Header = header, Data = data, Evidence = evidence, LastCommit = request.LastCommit ?? new Commit() };
    }
}
