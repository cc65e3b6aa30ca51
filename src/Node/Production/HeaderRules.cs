using Chain.Consensus.Blocks;
using Chain.Consensus.Evidence;
using Chain.Consensus.Validators;
using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Blocks;
using Chain.State.Execution;
using Chain.State.Transactions;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Chain.Node.Production;

/// <summary>
/// What the header of the next block must say about the chain behind it: chain id, height, the previous block's
/// id and results, the app hash after it, the hash of the commit it carries and the validator sets. The proposer
/// writes a header from <see cref="Template"/>; every validator checks a proposed header against it. One rule,
/// so a block this node builds is one this node accepts.
/// </summary>
public sealed class HeaderRules(BlockExecutor executor) : ILastCommittedBlock
{
    private Previous? _previous;

    /// <summary>The chain-derived fields of block <see cref="BlockExecutor.LastHeight"/> + 1 carrying
    /// <paramref name="lastCommit"/>; time, data, evidence and proposer are the proposer's to fill in.</summary>
    public Header Template(Commit? lastCommit, ConsensusValidatorSet validators, ConsensusValidatorSet nextValidators)
    {
        Previous previous = Last();
        return new Header
        {
            ChainId = executor.ChainId,
            Height = previous.Height + 1,
            LastBlockId = previous.BlockId,
            LastCommitHash = ByteString.CopyFrom(LastCommitHash(lastCommit)),
            ValidatorsHash = ByteString.CopyFrom(validators.Hash()),
            NextValidatorsHash = ByteString.CopyFrom(nextValidators.Hash()),
            AppHash = ByteString.CopyFrom(executor.LastAppHash),
            LastResultsHash = ByteString.CopyFrom(previous.ResultsHash),
        };
    }

    /// <summary>Time of the previous block (0 before the first): a new block's time must be later.</summary>
    public long PreviousTime() => Last().Time;

    /// <summary>Height of the last committed block (0 before the first): what evidence's age is measured against.</summary>
    ulong ILastCommittedBlock.Height => Last().Height;

    /// <summary>Time of the last committed block (0 before the first).</summary>
    long ILastCommittedBlock.TimeUnixNanos => Last().Time;

    /// <summary>The id of the last committed block (empty before the first).</summary>
    public BlockId PreviousBlockId() => Last().BlockId;

    /// <summary>What the next header needs of the last committed block, read once per height: a block of many txs
    /// is large, and every proposal of a height is checked against it.</summary>
    private Previous Last()
    {
        ulong last = executor.LastHeight;
        Previous? cached = _previous;
        if (cached is not null && cached.Height == last)
        {
            return cached;
        }

        CommittedBlockSummary? block = last == 0 ? null : executor.Blocks.Summary(last)
            ?? throw new InvalidOperationException($"block {last} is not in the store");
        cached = new Previous(
            last,
            block is null ? new BlockId() : new BlockId { Hash = ByteString.CopyFrom(block.Hash) },
            block?.TimeUnixNanos ?? 0,
            block?.ResultsHash ?? BlockExecutor.ResultsHash(null));
        _previous = cached;
        return cached;
    }

    private sealed record Previous(ulong Height, BlockId BlockId, long Time, byte[] ResultsHash);

    /// <summary>
    /// Null when the block's body is the one its header commits to (txs, evidence and last commit hash to the
    /// header's data, evidence and last-commit hashes); otherwise what differs. A block's id is its header's hash, so
    /// this is what ties a received body to a signed proposal or commit: checked before a proposal is stored,
    /// announced or relayed, so nobody can pass off a stripped or altered body under a genuine signature.
    /// </summary>
    public static string? BodyMismatch(Block block)
    {
        if (block.Header is null || block.Data is null)
        {
            return "the block has no header or no data";
        }

        if (!block.Header.DataHash.Span.SequenceEqual(DataHash(block.Data.Txs)))
        {
            return "its txs do not hash to the header's data_hash";
        }

        if (!block.Header.EvidenceHash.Span.SequenceEqual(EvidenceHash(block.Evidence)))
        {
            return "its evidence does not hash to the header's evidence_hash";
        }

        Commit? lastCommit = block.LastCommit is { Height: > 0 } c ? c : null;
        return block.Header.LastCommitHash.Span.SequenceEqual(LastCommitHash(lastCommit))
            ? null
            : "its last commit does not hash to the header's last_commit_hash";
    }

    /// <summary>SHA-256 of the commit a block carries; the empty Merkle root when it carries none (height 1).</summary>
    public static byte[] LastCommitHash(Commit? commit) =>
        commit is null || commit.Height == 0 ? MerkleTree.Root([]) : Hashes.Sha256(commit.ToByteArray());

    /// <summary>Merkle root of the txs' hashes.</summary>
    public static byte[] DataHash(RepeatedField<ByteString> txs)
    {
        var hashes = new List<byte[]>(txs.Count);
        foreach (ByteString tx in txs)
        {
            hashes.Add(TxFactory.Hash(tx.Span));
        }

        return MerkleTree.Root(hashes);
    }

    /// <summary>Merkle root of the evidence items' bytes.</summary>
    public static byte[] EvidenceHash(EvidenceList? evidence)
    {
        var items = new List<byte[]>(evidence?.Evidence.Count ?? 0);
        if (evidence is not null)
        {
            foreach (Evidence e in evidence.Evidence)
            {
                items.Add(e.ToByteArray());
            }
        }

        return MerkleTree.Root(items);
    }
}
