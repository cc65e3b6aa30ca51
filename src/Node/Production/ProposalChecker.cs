using Chain.Consensus.Blocks;
using Chain.Consensus.Commits;
using Chain.Consensus.Evidence;
using Chain.Consensus.Validators;
using Chain.Proto.Types;
using Chain.State.Execution;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Production;

/// <summary>
/// The application's verdict on a proposed block (valid(v) in the Tendermint paper): its header follows the
/// committed chain by <see cref="HeaderRules"/>, it carries a valid commit of the previous block, its txs fit the
/// block limits and match the data hash, and its evidence is valid, new and matches the evidence hash. Txs that
/// fail when executed do not make a block invalid (they get their error as a result). <see cref="IsValid"/> is
/// deterministic: it reads only the committed chain, never the clock or the mempool. <see cref="IsTimely"/> is the
/// one check that reads the clock, and the engine asks it only before prevoting a fresh proposal.
/// </summary>
public sealed class ProposalChecker(
    BlockExecutor executor,
    HeaderRules rules,
    ValidatorSetStore validatorSets,
    CommitVerifier commitVerifier,
    EvidenceVerifier evidenceVerifier,
    CommittedEvidence committedEvidence,
    ulong blockMaxBytes,
    ulong txMaxBytes,
    TimeProvider clock,
    TimeSpan maxClockDrift,
    ILogger<ProposalChecker> logger) : IProposalValidator
{
    public bool IsTimely(Block block)
    {
        long now = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        long limit = now > long.MaxValue - maxClockDrift.Ticks * 100 ? long.MaxValue : now + (maxClockDrift.Ticks * 100);
        long time = block.Header?.TimeUnixNanos ?? 0;
        if (time <= limit)
        {
            return true;
        }

        logger.LogWarning("Prevoting nil on the proposed block {Height}: its time {Time} is {Ahead} ahead of this validator's clock, more than consensus.max_clock_drift ({Drift})",
            block.Header?.Height, time, TimeSpan.FromTicks((time - now) / 100), maxClockDrift);
        return false;
    }

    public bool IsValid(Block block)
    {
        string? problem = Check(block);
        if (problem is not null)
        {
            logger.LogWarning("Rejected the proposed block {Height} ({BlockId}): {Problem}",
                block.Header?.Height, BlockIdentity.Key(BlockIdentity.Of(block)), problem);
        }

        return problem is null;
    }

    /// <summary>Null when the block may be voted for; otherwise what is wrong with it.</summary>
    public string? Check(Block block)
    {
        Header? header = block.Header;
        if (header is null || block.Data is null)
        {
            return "the block has no header or no data";
        }

        ulong height = executor.LastHeight + 1;
        if (header.Height != height)
        {
            return $"height is {header.Height}, expected {height}";
        }

        if (validatorSets.SetsAt(height) is not { } sets)
        {
            return $"the validator sets of height {height} are not known";
        }

        Commit? lastCommit = block.LastCommit is { Height: > 0 } c ? c : null;
        return CheckHeader(header, rules.Template(lastCommit, sets.Validators, sets.Next), sets.Validators)
            ?? CheckLastCommit(height, lastCommit)
            ?? CheckData(block.Data, header)
            ?? CheckEvidence(block.Evidence, header, height);
    }

    private string? CheckHeader(Header header, Header expected, ConsensusValidatorSet validators)
    {
        if (header.ChainId != expected.ChainId)
        {
            return $"chain id is '{header.ChainId}', expected '{expected.ChainId}'";
        }

        foreach ((string name, ByteString got, ByteString want) in new[]
                 {
                     ("last_block_id", header.LastBlockId?.Hash ?? ByteString.Empty, expected.LastBlockId.Hash),
                     ("last_commit_hash", header.LastCommitHash, expected.LastCommitHash),
                     ("validators_hash", header.ValidatorsHash, expected.ValidatorsHash),
                     ("next_validators_hash", header.NextValidatorsHash, expected.NextValidatorsHash),
                     ("app_hash", header.AppHash, expected.AppHash),
                     ("last_results_hash", header.LastResultsHash, expected.LastResultsHash),
                 })
        {
            if (!got.Equals(want))
            {
                return $"{name} is {Convert.ToHexString(got.Span)}, expected {Convert.ToHexString(want.Span)}";
            }
        }

        long previous = rules.PreviousTime();
        if (header.TimeUnixNanos <= previous)
        {
            return $"time {header.TimeUnixNanos} is not after the previous block's {previous}";
        }

        return validators.IndexOf(header.ProposerAddress.Span) < 0
            ? $"proposer {Convert.ToHexString(header.ProposerAddress.Span)} is not a validator of this height"
            : null;
    }

    private string? CheckLastCommit(ulong height, Commit? lastCommit)
    {
        if (height == 1)
        {
            return lastCommit is null ? null : "the first block carries a last commit";
        }

        if (lastCommit is null)
        {
            return $"the block carries no commit of block {height - 1}";
        }

        ConsensusValidatorSet? signers = validatorSets.ValidatorsAt(height - 1);
        if (signers is null)
        {
            return $"the validators of block {height - 1} are not in the store";
        }

        CommitVerificationResult result = commitVerifier.Verify(executor.ChainId, signers, height - 1, rules.PreviousBlockId(), lastCommit);
        return result.IsValid ? null : $"its commit of block {height - 1} is not valid: {result.Message}";
    }

    private string? CheckData(Data data, Header header)
    {
        ulong total = 0;
        foreach (ByteString tx in data.Txs)
        {
            if ((ulong)tx.Length > txMaxBytes)
            {
                return $"a tx of {tx.Length} bytes is larger than the {txMaxBytes}-byte limit";
            }

            total += (ulong)tx.Length;
        }

        if (total > blockMaxBytes)
        {
            return $"its txs total {total} bytes, more than the block limit of {blockMaxBytes}";
        }

        byte[] dataHash = HeaderRules.DataHash(data.Txs);
        return header.DataHash.Span.SequenceEqual(dataHash)
            ? null
            : $"data_hash is {Convert.ToHexString(header.DataHash.Span)}, the txs hash to {Convert.ToHexString(dataHash)}";
    }

    private string? CheckEvidence(EvidenceList? evidence, Header header, ulong height)
    {
        byte[] evidenceHash = HeaderRules.EvidenceHash(evidence);
        if (!header.EvidenceHash.Span.SequenceEqual(evidenceHash))
        {
            return $"evidence_hash is {Convert.ToHexString(header.EvidenceHash.Span)}, the evidence hashes to {Convert.ToHexString(evidenceHash)}";
        }

        if (evidence is null)
        {
            return null;
        }

        if (evidence.Evidence.Count > BlockBuilder.MaxEvidence)
        {
            return $"it carries {evidence.Evidence.Count} evidence items, more than {BlockBuilder.MaxEvidence}";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Evidence item in evidence.Evidence)
        {
            if (item.DuplicateVoteEvidence is not { } duplicate)
            {
                return "an evidence item is empty";
            }

            if (!seen.Add(DuplicateVoteOffence.Key(duplicate)) || committedEvidence.Contains(item))
            {
                return "an evidence item was already committed or appears twice";
            }

            if (duplicate.VoteA?.Height >= height)
            {
                return $"evidence from height {duplicate.VoteA.Height} is not from before this block";
            }

            if (evidenceVerifier.Check(duplicate) is { } problem)
            {
                return $"invalid evidence: {problem}";
            }
        }

        return null;
    }
}
