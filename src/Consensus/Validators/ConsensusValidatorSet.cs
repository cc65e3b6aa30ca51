using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Validators;

/// <summary>
/// An immutable validator set with CometBFT's weighted round-robin proposer selection:
/// each step every validator's priority grows by its power, the one with the highest priority
/// (ties: lowest address) proposes and loses the total power; priorities are re-centred on their
/// average and scaled so that max - min stays within 2 x total. New validators start at
/// -1.125 x total, so a join cannot jump the queue. Every node computes the same sequence.
/// </summary>
public sealed class ConsensusValidatorSet
{
    /// <summary>Total voting power is capped so that priorities (+/- 2.25 x total) never overflow.</summary>
    public const long MaxTotalVotingPower = long.MaxValue / 8;

    /// <summary>Priorities are kept within this many multiples of the total power of each other.</summary>
    public const long PriorityWindowSizeFactor = 2;

    private readonly ConsensusValidator[] _validators;
    private readonly Dictionary<string, int> _indexByAddress;

    private ConsensusValidatorSet(ConsensusValidator[] validators, ConsensusValidator? proposer)
    {
        _validators = validators;
        _indexByAddress = new Dictionary<string, int>(validators.Length, StringComparer.Ordinal);
        long total = 0;
        for (int i = 0; i < validators.Length; i++)
        {
            _indexByAddress[validators[i].AddressHex] = i;
            total += validators[i].VotingPower;
        }

        TotalVotingPower = total;
        Proposer = proposer ?? (validators.Length == 0 ? null! : FindMaxPriority(validators));
    }

    /// <summary>Validators sorted by voting power (descending), then address (ascending); vote indices refer to this order.</summary>
    public IReadOnlyList<ConsensusValidator> Validators => _validators;

    public int Count => _validators.Length;

    public long TotalVotingPower { get; }

    /// <summary>The proposer chosen by the last priority increment (round 0 of the height this set belongs to).</summary>
    public ConsensusValidator Proposer { get; }

    public ConsensusValidator this[int index] => _validators[index];

    /// <summary>A genesis set: every validator joins as new, then priorities advance once (CometBFT's NewValidatorSet).</summary>
    public static ConsensusValidatorSet Create(IEnumerable<ValidatorUpdate> validators)
    {
        var empty = new ConsensusValidatorSet([], null);
        return empty.ApplyUpdates(validators.ToList(), allowRemovals: false).IncrementProposerPriority(1);
    }

    /// <summary>Rebuilds a set exactly as stored (priorities included), e.g. from the block store.</summary>
    public static ConsensusValidatorSet FromStored(IEnumerable<ConsensusValidator> validators)
    {
        ConsensusValidator[] sorted = validators.ToArray();
        Array.Sort(sorted, CompareByPowerThenAddress);
        CheckNoDuplicates(sorted);
        return new ConsensusValidatorSet(sorted, null);
    }

    /// <summary>Rebuilds a set from its wire form (<see cref="ToProto()"/>), priorities and proposer included.</summary>
    public static ConsensusValidatorSet FromProto(Proto.Types.ValidatorSet set)
    {
        var validators = new ConsensusValidator[set.Validators.Count];
        for (int i = 0; i < validators.Length; i++)
        {
            Validator v = set.Validators[i];
            validators[i] = new ConsensusValidator(v.Address.ToByteArray(), v.PublicKey.ToByteArray(), v.VotingPower, v.ProposerPriority);
        }

        Array.Sort(validators, CompareByPowerThenAddress);
        CheckNoDuplicates(validators);
        ConsensusValidator? proposer = null;
        if (set.Proposer is not null && !set.Proposer.Address.IsEmpty)
        {
            proposer = Array.Find(validators, v => v.Address.AsSpan().SequenceEqual(set.Proposer.Address.Span))
                ?? throw new ValidatorSetException($"the stored proposer {Convert.ToHexString(set.Proposer.Address.Span)} is not in the set");
        }

        return new ConsensusValidatorSet(validators, proposer);
    }

    public int IndexOf(ReadOnlySpan<byte> address) =>
        _indexByAddress.TryGetValue(Convert.ToHexString(address), out int index) ? index : -1;

    public ConsensusValidator? Find(ReadOnlySpan<byte> address)
    {
        int index = IndexOf(address);
        return index < 0 ? null : _validators[index];
    }

    /// <summary>Advances proposer priorities <paramref name="times"/> steps (one per round); returns the new set.</summary>
    public ConsensusValidatorSet IncrementProposerPriority(int times)
    {
        if (_validators.Length == 0)
        {
            throw new ValidatorSetException("cannot choose a proposer from an empty validator set");
        }

        if (times <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "must be positive");
        }

        long[] priorities = Priorities();
        RescalePriorities(priorities, PriorityWindowSizeFactor * TotalVotingPower);
        ShiftByAverage(priorities);
        int proposer = -1;
        for (int t = 0; t < times; t++)
        {
            for (int i = 0; i < priorities.Length; i++)
            {
                priorities[i] = AddClip(priorities[i], _validators[i].VotingPower);
            }

            proposer = IndexOfMax(priorities);
            priorities[proposer] = SubClip(priorities[proposer], TotalVotingPower);
        }

        ConsensusValidator[] next = WithPriorities(priorities);
        return new ConsensusValidatorSet(next, next[proposer]);
    }

    /// <summary>Applies the application's updates (power 0 removes); the result keeps priorities
    /// of unchanged validators and starts new ones at -1.125 x total.</summary>
    public ConsensusValidatorSet WithUpdates(IReadOnlyList<ValidatorUpdate> updates) => ApplyUpdates(updates, allowRemovals: true);

    /// <summary>The wire form (priorities included).</summary>
    public Proto.Types.ValidatorSet ToProto()
    {
        var set = new Proto.Types.ValidatorSet { TotalVotingPower = TotalVotingPower };
        foreach (ConsensusValidator v in _validators)
        {
            set.Validators.Add(ToProto(v));
        }

        set.Proposer = ToProto(Proposer);
        return set;
    }

    /// <summary>SHA-256 of the validators' addresses, keys and powers in set order (priorities excluded):
    /// the header's validators_hash.</summary>
    public byte[] Hash()
    {
        var set = new Proto.Types.ValidatorSet();
        foreach (ConsensusValidator v in _validators)
        {
            set.Validators.Add(new Validator
            {
                Address = ByteString.CopyFrom(v.Address),
                PublicKey = ByteString.CopyFrom(v.PublicKey),
                VotingPower = v.VotingPower,
            });
        }

        return Chain.Crypto.Hashes.Sha256(set.ToByteArray());
    }

    private static Validator ToProto(ConsensusValidator v) => new()
    {
        Address = ByteString.CopyFrom(v.Address),
        PublicKey = ByteString.CopyFrom(v.PublicKey),
        VotingPower = v.VotingPower,
        ProposerPriority = v.ProposerPriority,
    };

    private ConsensusValidatorSet ApplyUpdates(IReadOnlyList<ValidatorUpdate> updates, bool allowRemovals)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ValidatorUpdate u in updates)
        {
            if (u.Address.Length != 20)
            {
                throw new ValidatorSetException($"validator address must be 20 bytes, was {u.Address.Length}");
            }

            if (!seen.Add(Convert.ToHexString(u.Address)))
            {
                throw new ValidatorSetException($"duplicate update for validator {Convert.ToHexString(u.Address)}");
            }

            if (u.VotingPower < 0 || u.VotingPower > MaxTotalVotingPower)
            {
                throw new ValidatorSetException(
                    $"validator {Convert.ToHexString(u.Address)} has voting power {u.VotingPower}, outside [0, {MaxTotalVotingPower}]");
            }

            if (u.VotingPower == 0)
            {
                if (!allowRemovals)
                {
                    throw new ValidatorSetException($"validator {Convert.ToHexString(u.Address)} has voting power 0 in a new set");
                }

                if (IndexOf(u.Address) < 0)
                {
                    throw new ValidatorSetException($"cannot remove unknown validator {Convert.ToHexString(u.Address)}");
                }
            }
        }

        // Total after updates, before removals: the base for new validators' starting priority (as CometBFT).
        long totalAfterUpdates = TotalVotingPower;
        foreach (ValidatorUpdate u in updates)
        {
            if (u.VotingPower == 0)
            {
                continue;
            }

            ConsensusValidator? existing = Find(u.Address);
            totalAfterUpdates += u.VotingPower - (existing?.VotingPower ?? 0);
            if (totalAfterUpdates > MaxTotalVotingPower)
            {
                throw new ValidatorSetException($"total voting power would exceed {MaxTotalVotingPower}");
            }
        }

        long newPriority = -(totalAfterUpdates + (totalAfterUpdates >> 3));
        var merged = new Dictionary<string, ConsensusValidator>(_validators.Length + updates.Count, StringComparer.Ordinal);
        foreach (ConsensusValidator v in _validators)
        {
            merged[v.AddressHex] = v;
        }

        foreach (ValidatorUpdate u in updates)
        {
            string key = Convert.ToHexString(u.Address);
            if (u.VotingPower == 0)
            {
                merged.Remove(key);
            }
            else if (merged.TryGetValue(key, out ConsensusValidator? existing))
            {
                merged[key] = existing with { VotingPower = u.VotingPower, PublicKey = u.PublicKey };
            }
            else
            {
                merged[key] = new ConsensusValidator(u.Address, u.PublicKey, u.VotingPower, newPriority);
            }
        }

        if (merged.Count == 0)
        {
            throw new ValidatorSetException("the update would leave an empty validator set");
        }

        ConsensusValidator[] result = merged.Values.ToArray();
        Array.Sort(result, CompareByPowerThenAddress);
        long total = 0;
        foreach (ConsensusValidator v in result)
        {
            total += v.VotingPower;
        }

        long[] priorities = new long[result.Length];
        for (int i = 0; i < result.Length; i++)
        {
            priorities[i] = result[i].ProposerPriority;
        }

        RescalePriorities(priorities, PriorityWindowSizeFactor * total);
        ShiftByAverage(priorities);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = result[i] with { ProposerPriority = priorities[i] };
        }

        return new ConsensusValidatorSet(result, null);
    }

    private long[] Priorities()
    {
        long[] priorities = new long[_validators.Length];
        for (int i = 0; i < priorities.Length; i++)
        {
            priorities[i] = _validators[i].ProposerPriority;
        }

        return priorities;
    }

    private ConsensusValidator[] WithPriorities(long[] priorities)
    {
        var next = new ConsensusValidator[_validators.Length];
        for (int i = 0; i < next.Length; i++)
        {
            next[i] = _validators[i] with { ProposerPriority = priorities[i] };
        }

        return next;
    }

    private int IndexOfMax(long[] priorities)
    {
        int best = 0;
        for (int i = 1; i < priorities.Length; i++)
        {
            if (priorities[i] > priorities[best] ||
                (priorities[i] == priorities[best] && _validators[i].Address.AsSpan().SequenceCompareTo(_validators[best].Address) < 0))
            {
                best = i;
            }
        }

        return best;
    }

    private static ConsensusValidator FindMaxPriority(ConsensusValidator[] validators)
    {
        ConsensusValidator best = validators[0];
        foreach (ConsensusValidator v in validators)
        {
            if (v.ProposerPriority > best.ProposerPriority ||
                (v.ProposerPriority == best.ProposerPriority && v.Address.AsSpan().SequenceCompareTo(best.Address) < 0))
            {
                best = v;
            }
        }

        return best;
    }

    /// <summary>Divides every priority by ceil((max - min) / window) when the spread exceeds the window.</summary>
    private static void RescalePriorities(long[] priorities, long window)
    {
        if (priorities.Length == 0 || window <= 0)
        {
            return;
        }

        long max = long.MinValue, min = long.MaxValue;
        foreach (long p in priorities)
        {
            max = Math.Max(max, p);
            min = Math.Min(min, p);
        }

        long diff = max - min;
        if (diff <= window)
        {
            return;
        }

        long ratio = (diff + window - 1) / window;
        for (int i = 0; i < priorities.Length; i++)
        {
            priorities[i] /= ratio;
        }
    }

    /// <summary>Subtracts the floored average so priorities stay centred on zero.</summary>
    private static void ShiftByAverage(long[] priorities)
    {
        if (priorities.Length == 0)
        {
            return;
        }

        Int128 sum = 0;
        foreach (long p in priorities)
        {
            sum += p;
        }

        Int128 n = priorities.Length;
        Int128 avg = sum / n;
        if (sum % n != 0 && sum < 0)
        {
            avg -= 1;
        }

        for (int i = 0; i < priorities.Length; i++)
        {
            priorities[i] = SubClip(priorities[i], (long)avg);
        }
    }

    private static long AddClip(long a, long b)
    {
        long r = unchecked(a + b);
        if (((a ^ r) & (b ^ r)) < 0)
        {
            return a > 0 ? long.MaxValue : long.MinValue;
        }

        return r;
    }

    private static long SubClip(long a, long b)
    {
        long r = unchecked(a - b);
        if (((a ^ b) & (a ^ r)) < 0)
        {
            return a >= 0 ? long.MaxValue : long.MinValue;
        }

        return r;
    }

    private static int CompareByPowerThenAddress(ConsensusValidator x, ConsensusValidator y)
    {
        int byPower = y.VotingPower.CompareTo(x.VotingPower);
        return byPower != 0 ? byPower : x.Address.AsSpan().SequenceCompareTo(y.Address);
    }

    private static void CheckNoDuplicates(ConsensusValidator[] sorted)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ConsensusValidator v in sorted)
        {
            if (!seen.Add(v.AddressHex))
            {
                throw new ValidatorSetException($"validator {v.AddressHex} appears twice");
            }
        }
    }
}
