using Chain.Proto.Types;

namespace Chain.Consensus.Evidence;

/// <summary>
/// Evidence of double signing waiting to be included in a block: normalised (<see cref="DuplicateVoteOffence"/>) and
/// verified on the way in, one entry per offence (validator, height, round, type), at most
/// <see cref="MaxPending"/> items and <see cref="MaxPendingBytes"/> bytes, handed to the proposer oldest first,
/// dropped once committed or expired. An offence once committed is never taken again.
/// </summary>
public sealed class EvidencePool(EvidenceVerifier verifier, ICommittedOffences? committedOffences = null)
{
    /// <summary>Most evidence items waiting for a block; more are refused until some are committed or expire.</summary>
    public const int MaxPending = 1_000;

    /// <summary>Most bytes of evidence waiting for a block (two signed votes are a few hundred bytes).</summary>
    public const long MaxPendingBytes = 4L * 1024 * 1024;

    private readonly List<(string Key, DuplicateVoteEvidence Evidence, int Size)> _pending = new();
    private readonly HashSet<string> _pendingKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ulong Height, long Time)> _committed = new(StringComparer.Ordinal);
    private long _pendingBytes;

    public int PendingCount => _pending.Count;

    public long PendingBytes => _pendingBytes;

    /// <summary>Why the last <see cref="Add"/> returned <see cref="EvidenceAddResult.Invalid"/>, <see cref="EvidenceAddResult.Full"/>
    /// or <see cref="EvidenceAddResult.Expired"/>.</summary>
    public string? LastRejection { get; private set; }

    public EvidenceAddResult Add(DuplicateVoteEvidence evidence)
    {
        if (evidence.VoteA is null || evidence.VoteB is null)
        {
            LastRejection = "evidence lacks a vote";
            return EvidenceAddResult.Invalid;
        }

        string key = DuplicateVoteOffence.Key(evidence);
        if (_committed.ContainsKey(key))
        {
            return EvidenceAddResult.AlreadyCommitted;
        }

        if (_pendingKeys.Contains(key))
        {
            return EvidenceAddResult.Duplicate;
        }

        DuplicateVoteEvidence normalised = DuplicateVoteOffence.Normalised(evidence);
        int size = normalised.CalculateSize();
        if (_pending.Count >= MaxPending || _pendingBytes + size > MaxPendingBytes)
        {
            LastRejection = $"the pool holds {_pending.Count} items of {_pendingBytes} bytes, its limit is {MaxPending} items and {MaxPendingBytes} bytes";
            return EvidenceAddResult.Full;
        }

        if (verifier.IsExpired(normalised.VoteA.Height, normalised.TimestampUnixNanos))
        {
            LastRejection = $"evidence of height {normalised.VoteA.Height} is older than the evidence max age";
            return EvidenceAddResult.Expired;
        }

        string? problem = verifier.Check(normalised);
        if (problem is not null)
        {
            LastRejection = problem;
            return EvidenceAddResult.Invalid;
        }

        if (committedOffences?.Contains(normalised) == true)
        {
            return EvidenceAddResult.AlreadyCommitted;
        }

        _pendingKeys.Add(key);
        _pending.Add((key, normalised, size));
        _pendingBytes += size;
        return EvidenceAddResult.Added;
    }

    /// <summary>Up to <paramref name="maxCount"/> pending items, oldest first, for the next block.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> PendingEvidence(int maxCount)
    {
        var result = new List<DuplicateVoteEvidence>(Math.Min(maxCount, _pending.Count));
        for (int i = 0; i < _pending.Count && result.Count < maxCount; i++)
        {
            result.Add(_pending[i].Evidence);
        }

        return result;
    }

    /// <summary>A block carrying this evidence was committed: never propose or accept its offences again. Also drops
    /// what has expired since, pending or remembered (expired evidence is refused anyway).</summary>
    public void MarkCommitted(IEnumerable<DuplicateVoteEvidence> committed)
    {
        foreach (DuplicateVoteEvidence evidence in committed)
        {
            if (evidence.VoteA is null || evidence.VoteB is null)
            {
                continue;
            }

            string key = DuplicateVoteOffence.Key(evidence);
            _committed[key] = (evidence.VoteA.Height, DuplicateVoteOffence.TimeOf(evidence));
            if (_pendingKeys.Remove(key))
            {
                RemovePending(p => p.Key == key);
            }
        }

        RemovePending(p => verifier.IsExpired(p.Evidence.VoteA.Height, p.Evidence.TimestampUnixNanos));
        List<string>? expired = null;
        foreach ((string key, (ulong height, long time)) in _committed)
        {
            if (verifier.IsExpired(height, time))
            {
                (expired ??= new List<string>()).Add(key);
            }
        }

        expired?.ForEach(k => _committed.Remove(k));
    }

    public bool IsCommitted(DuplicateVoteEvidence evidence) => _committed.ContainsKey(DuplicateVoteOffence.Key(evidence));

    private void RemovePending(Predicate<(string Key, DuplicateVoteEvidence Evidence, int Size)> match)
    {
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            if (match(_pending[i]))
            {
                _pendingBytes -= _pending[i].Size;
                _pendingKeys.Remove(_pending[i].Key);
                _pending.RemoveAt(i);
            }
        }
    }
}
