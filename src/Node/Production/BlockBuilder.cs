using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Blocks;
using Chain.State.Execution;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>Builds the next block from mempool txs: the header links to the previous block, commit and results.</summary>
public sealed class BlockBuilder(BlockExecutor executor, Mempool.Mempool mempool, ValidatorInfo validators, ulong blockMaxBytes, int maxBlockTxs)
{
    /// <summary>Bytes kept free in a block for header, commit and evidence.</summary>
    private const long Overhead = 64 * 1024;

    public Block Build(DateTimeOffset now, byte[] proposerAddress)
    {
        var height = executor.LastHeight + 1;
        var previous = height > 1 ? executor.Blocks.GetBlock(height - 1) : null;
        var previousCommit = height > 1 ? executor.Blocks.GetSeenCommit(height - 1) : null;
        var time = now.ToUnixTimeMilliseconds() * 1_000_000;
        if (previous is not null && time <= previous.Header.TimeUnixNanos)
        {
            time = previous.Header.TimeUnixNanos + 1_000_000;
        }

        var maxBytes = Math.Max(0, (long)blockMaxBytes - Overhead);
        var txs = mempool.Reap(maxBytes, executor.BlockMaxGas, maxBlockTxs);
        var data = new Data();
        var items = new List<byte[]>(txs.Count);
        foreach (var tx in txs)
        {
            data.Txs.Add(ByteString.CopyFrom(tx.Bytes));
            items.Add(tx.Hash);
        }

        var header = new Header
        {
            ChainId = executor.ChainId,
            Height = height,
            TimeUnixNanos = time,
            LastBlockId = new BlockId { Hash = previous is null ? ByteString.Empty : ByteString.CopyFrom(BlockStore.HeaderHash(previous.Header)) },
            LastCommitHash = ByteString.CopyFrom(previousCommit is null ? MerkleTree.Root([]) : Hashes.Sha256(previousCommit.ToByteArray())),
            DataHash = ByteString.CopyFrom(MerkleTree.Root(items)),
            ValidatorsHash = ByteString.CopyFrom(validators.Hash),
            NextValidatorsHash = ByteString.CopyFrom(validators.Hash),
            AppHash = ByteString.CopyFrom(executor.LastAppHash),
            LastResultsHash = ByteString.CopyFrom(BlockExecutor.ResultsHash(height > 1 ? executor.Blocks.GetResults(height - 1) : null)),
            EvidenceHash = ByteString.CopyFrom(MerkleTree.Root([])),
            ProposerAddress = ByteString.CopyFrom(proposerAddress),
        };
        return new Block { Header = header, Data = data, Evidence = new EvidenceList(), LastCommit = previousCommit ?? new Commit() };
    }
}
