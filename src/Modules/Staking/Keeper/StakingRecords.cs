using System.Buffers.Binary;
using Chain.Crypto;
using Chain.Modules.Staking.Params;
using Chain.Proto.Staking;
using Chain.State.Store;
using Google.Protobuf;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// Typed access to staking's records (<see cref="StakingKeys"/>), keeping every index in step: a validator is saved
/// with its power index entry, a delegation with its by-validator index, and so on. Nothing here moves coins.
/// </summary>
public sealed class StakingRecords
{
    /// <summary>Tokens per unit of voting power (1 CHN = 10^6 uchn = power 1).</summary>
    public const ulong PowerReduction = 1_000_000;

    public static IStateStore Scoped(IStateStore store) => new PrefixStore(store, StakingKeys.ModulePrefix);

    public static IStateStore Scoped(IStateReader state) => Scoped(state as IStateStore ?? new ReadOnlyStateStore(state));

    public static long Power(ulong tokens) => (long)(tokens / PowerReduction);

    public static long Power(Validator v) => Power(v.Tokens);

    public static byte[] Operator(Validator v) => Address.FromBech32(v.OperatorAddress, Address.ValidatorOperatorPrefix);

    public static byte[] ConsensusAddress(Validator v) => Address.FromPublicKey(v.ConsensusPubkey.Span);

    public static string OperatorText(ReadOnlySpan<byte> op) => Address.ToBech32(op, Address.ValidatorOperatorPrefix);

    public static string AccountText(ReadOnlySpan<byte> address) => Address.ToBech32(address);

    // Params

    public Proto.Staking.Params GetParams(IStateReader state) =>
        Parse(Scoped(state).Get(StakingKeys.Params), Proto.Staking.Params.Parser) ?? StakingParams.Default();

    public void SetParams(IStateStore store, Proto.Staking.Params p) => Scoped(store).Set(StakingKeys.Params, p.ToByteArray());

    public DistributionParams GetDistributionParams(IStateReader state) =>
        Parse(Scoped(state).Get(StakingKeys.DistributionParams), DistributionParams.Parser) ?? StakingParams.DefaultDistribution();

    public void SetDistributionParams(IStateStore store, DistributionParams p) => Scoped(store).Set(StakingKeys.DistributionParams, p.ToByteArray());

    public SlashingParams GetSlashingParams(IStateReader state) =>
        Parse(Scoped(state).Get(StakingKeys.SlashingParams), SlashingParams.Parser) ?? StakingParams.DefaultSlashing();

    public void SetSlashingParams(IStateStore store, SlashingParams p) => Scoped(store).Set(StakingKeys.SlashingParams, p.ToByteArray());

    public MintParams GetMintParams(IStateReader state) =>
        Parse(Scoped(state).Get(StakingKeys.MintParams), MintParams.Parser) ?? StakingParams.DefaultMint();

    public void SetMintParams(IStateStore store, MintParams p) => Scoped(store).Set(StakingKeys.MintParams, p.ToByteArray());

    public Minter GetMinter(IStateReader state) => Parse(Scoped(state).Get(StakingKeys.Minter), Minter.Parser) ?? StakingParams.DefaultMinter();

    public void SetMinter(IStateStore store, Minter m) => Scoped(store).Set(StakingKeys.Minter, m.ToByteArray());

    // Validators

    public Validator? GetValidator(IStateReader state, ReadOnlySpan<byte> op) => Parse(Scoped(state).Get(StakingKeys.Validator(op)), Validator.Parser);

    public byte[]? OperatorByCons(IStateReader state, ReadOnlySpan<byte> cons) => Scoped(state).Get(StakingKeys.ValidatorByCons(cons));

    public Validator? GetValidatorByCons(IStateReader state, ReadOnlySpan<byte> cons) =>
        OperatorByCons(state, cons) is { } op ? GetValidator(state, op) : null;

    /// <summary>Saves a validator and moves its power index entry (present only while it is not jailed).</summary>
    public void SaveValidator(IStateStore store, Validator v)
    {
        var s = Scoped(store);
        var op = Operator(v);
        var before = GetValidator(store, op);
        var oldKey = before is { Jailed: false } ? StakingKeys.Power(Power(before), op) : null;
        var newKey = v.Jailed ? null : StakingKeys.Power(Power(v), op);
        if (oldKey is not null && (newKey is null || !oldKey.AsSpan().SequenceEqual(newKey)))
        {
            s.Delete(oldKey);
        }

        if (newKey is not null && (oldKey is null || !oldKey.AsSpan().SequenceEqual(newKey)))
        {
            s.Set(newKey, StakingKeys.Present);
        }

        if (before is null)
        {
            s.Set(StakingKeys.ValidatorByCons(ConsensusAddress(v)), op);
        }

        s.Set(StakingKeys.Validator(op), v.ToByteArray());
    }

    /// <summary>Deletes a validator, its consensus-address entry and its power index entry.</summary>
    public void DeleteValidator(IStateStore store, Validator v)
    {
        var s = Scoped(store);
        var op = Operator(v);
        if (!v.Jailed)
        {
            s.Delete(StakingKeys.Power(Power(v), op));
        }

        s.Delete(StakingKeys.ValidatorByCons(ConsensusAddress(v)));
        s.Delete(StakingKeys.Validator(op));
        s.Delete(StakingKeys.LastPower(op));
    }

    public IEnumerable<Validator> AllValidators(IStateReader state)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Validators))
        {
            yield return Validator.Parser.ParseFrom(v);
        }
    }

    /// <summary>Operators of non-jailed validators, highest power first (ties to the lower address).</summary>
    public IEnumerable<byte[]> ByPower(IStateReader state)
    {
        foreach (var (k, _) in Scoped(state).IteratePrefix(StakingKeys.PowerIndex))
        {
            yield return k[(StakingKeys.PowerIndex.Length + 8)..];
        }
    }

    public long? GetLastPower(IStateReader state, ReadOnlySpan<byte> op) =>
        Scoped(state).Get(StakingKeys.LastPower(op)) is { Length: 8 } raw ? BinaryPrimitives.ReadInt64BigEndian(raw) : null;

    public void SetLastPower(IStateStore store, ReadOnlySpan<byte> op, long power)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, power);
        Scoped(store).Set(StakingKeys.LastPower(op), b);
    }

    public void DeleteLastPower(IStateStore store, ReadOnlySpan<byte> op) => Scoped(store).Delete(StakingKeys.LastPower(op));

    /// <summary>Every (operator, power) of the last bonded set, in operator order.</summary>
    public List<(byte[] Operator, long Power)> LastPowers(IStateReader state)
    {
        var list = new List<(byte[], long)>();
        foreach (var (k, v) in Scoped(state).IteratePrefix(StakingKeys.LastPowers))
        {
            if (k.Length == StakingKeys.LastPowers.Length + Address.Size)
            {
                list.Add((k[StakingKeys.LastPowers.Length..], BinaryPrimitives.ReadInt64BigEndian(v)));
            }
        }

        return list;
    }

    public long GetLastTotalPower(IStateReader state) =>
        Scoped(state).Get(StakingKeys.LastTotalPower) is { Length: 8 } raw ? BinaryPrimitives.ReadInt64BigEndian(raw) : 0;

    public void SetLastTotalPower(IStateStore store, long power)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, power);
        Scoped(store).Set(StakingKeys.LastTotalPower, b);
    }

    // Delegations

    public Delegation? GetDelegation(IStateReader state, ReadOnlySpan<byte> del, ReadOnlySpan<byte> val) =>
        Parse(Scoped(state).Get(StakingKeys.Delegation(del, val)), Delegation.Parser);

    public void SetDelegation(IStateStore store, ReadOnlySpan<byte> del, ReadOnlySpan<byte> val, Delegation d)
    {
        var s = Scoped(store);
        s.Set(StakingKeys.Delegation(del, val), d.ToByteArray());
        s.Set(StakingKeys.DelegationByValidator(val, del), StakingKeys.Present);
    }

    public void DeleteDelegation(IStateStore store, ReadOnlySpan<byte> del, ReadOnlySpan<byte> val)
    {
        var s = Scoped(store);
        s.Delete(StakingKeys.Delegation(del, val));
        s.Delete(StakingKeys.DelegationByValidator(val, del));
    }

    /// <summary>Every delegation of <paramref name="del"/>, by validator.</summary>
    public IEnumerable<Delegation> DelegationsOf(IStateReader state, byte[] del)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Join(StakingKeys.Delegations, del)))
        {
            yield return Delegation.Parser.ParseFrom(v);
        }
    }

    /// <summary>The delegators of <paramref name="val"/>, in address order.</summary>
    public IEnumerable<byte[]> DelegatorsOf(IStateReader state, byte[] val)
    {
        var prefix = StakingKeys.Join(StakingKeys.DelegationsByValidator, val);
        foreach (var (k, _) in Scoped(state).IteratePrefix(prefix))
        {
            yield return k[prefix.Length..];
        }
    }

    public IEnumerable<Delegation> AllDelegations(IStateReader state)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Delegations))
        {
            yield return Delegation.Parser.ParseFrom(v);
        }
    }

    // Unbonding delegations

    public UnbondingDelegation? GetUnbonding(IStateReader state, ReadOnlySpan<byte> del, ReadOnlySpan<byte> val) =>
        Parse(Scoped(state).Get(StakingKeys.Unbonding(del, val)), UnbondingDelegation.Parser);

    /// <summary>Saves an unbonding delegation, or deletes it when it has no entries left.</summary>
    public void SaveUnbonding(IStateStore store, ReadOnlySpan<byte> del, ReadOnlySpan<byte> val, UnbondingDelegation ubd)
    {
        var s = Scoped(store);
        if (ubd.Entries.Count == 0)
        {
            s.Delete(StakingKeys.Unbonding(del, val));
            s.Delete(StakingKeys.UnbondingByValidator(val, del));
            return;
        }

        s.Set(StakingKeys.Unbonding(del, val), ubd.ToByteArray());
        s.Set(StakingKeys.UnbondingByValidator(val, del), StakingKeys.Present);
    }

    public IEnumerable<UnbondingDelegation> UnbondingsOf(IStateReader state, byte[] del)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Join(StakingKeys.Unbondings, del)))
        {
            yield return UnbondingDelegation.Parser.ParseFrom(v);
        }
    }

    public IEnumerable<UnbondingDelegation> UnbondingsFrom(IStateReader state, byte[] val)
    {
        var prefix = StakingKeys.Join(StakingKeys.UnbondingsByValidator, val);
        foreach (var (k, _) in Scoped(state).IteratePrefix(prefix))
        {
            if (GetUnbonding(state, k[prefix.Length..], val) is { } ubd)
            {
                yield return ubd;
            }
        }
    }

    public IEnumerable<UnbondingDelegation> AllUnbondings(IStateReader state)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Unbondings))
        {
            yield return UnbondingDelegation.Parser.ParseFrom(v);
        }
    }

    // Redelegations

    public Redelegation? GetRedelegation(IStateReader state, ReadOnlySpan<byte> del, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst) =>
        Parse(Scoped(state).Get(StakingKeys.Redelegation(del, src, dst)), Redelegation.Parser);

    /// <summary>Saves a redelegation with its indexes, or deletes them all when it has no entries left.</summary>
    public void SaveRedelegation(IStateStore store, ReadOnlySpan<byte> del, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, Redelegation red)
    {
        var s = Scoped(store);
        if (red.Entries.Count == 0)
        {
            s.Delete(StakingKeys.Redelegation(del, src, dst));
            s.Delete(StakingKeys.RedelegationBySource(src, del, dst));
            s.Delete(StakingKeys.RedelegationByDestination(del, dst, src));
            return;
        }

        s.Set(StakingKeys.Redelegation(del, src, dst), red.ToByteArray());
        s.Set(StakingKeys.RedelegationBySource(src, del, dst), StakingKeys.Present);
        s.Set(StakingKeys.RedelegationByDestination(del, dst, src), StakingKeys.Present);
    }

    /// <summary>Whether <paramref name="del"/> has a redelegation into <paramref name="dst"/> that has not completed (transitive redelegation check).</summary>
    public bool HasReceivingRedelegation(IStateReader state, byte[] del, byte[] dst)
    {
        foreach (var _ in Scoped(state).IteratePrefix(StakingKeys.Join(StakingKeys.RedelegationsByDestination, del, dst)))
        {
            return true;
        }

        return false;
    }

    public IEnumerable<Redelegation> RedelegationsOf(IStateReader state, byte[] del)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Join(StakingKeys.Redelegations, del)))
        {
            yield return Redelegation.Parser.ParseFrom(v);
        }
    }

    public IEnumerable<Redelegation> RedelegationsFrom(IStateReader state, byte[] src)
    {
        var prefix = StakingKeys.Join(StakingKeys.RedelegationsBySource, src);
        foreach (var (k, _) in Scoped(state).IteratePrefix(prefix))
        {
            var rest = k[prefix.Length..];
            if (GetRedelegation(state, rest[..Address.Size], src, rest[Address.Size..]) is { } red)
            {
                yield return red;
            }
        }
    }

    public IEnumerable<Redelegation> AllRedelegations(IStateReader state)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.Redelegations))
        {
            yield return Redelegation.Parser.ParseFrom(v);
        }
    }

    // Queues

    public void Enqueue(IStateStore store, byte[] key) => Scoped(store).Set(key, StakingKeys.Present);

    /// <summary>
    /// Removes and returns the queue entries of <paramref name="queue"/> whose time (the first 8 bytes after the
    /// prefix) is at most <paramref name="now"/>: each returned key is the rest after the time.
    /// </summary>
    public List<byte[]> DequeueMature(IStateStore store, byte[] queue, long now)
    {
        var s = Scoped(store);
        var due = new List<byte[]>();
        var fullKeys = new List<byte[]>();
        foreach (var (k, _) in s.IteratePrefix(queue))
        {
            var time = StakingKeys.ReadU64(k.AsSpan(queue.Length, 8));
            if (now < 0 || time > (ulong)now)
            {
                break;
            }

            fullKeys.Add(k);
            due.Add(k[(queue.Length + 8)..]);
        }

        foreach (var k in fullKeys)
        {
            s.Delete(k);
        }

        return due;
    }

    public void Dequeue(IStateStore store, byte[] key) => Scoped(store).Delete(key);

    // Signing infos (slashing)

    public ValidatorSigningInfo? GetSigningInfo(IStateReader state, ReadOnlySpan<byte> cons) =>
        Parse(Scoped(state).Get(StakingKeys.SigningInfo(cons)), ValidatorSigningInfo.Parser);

    /// <summary>The signing info of <paramref name="cons"/>, or a new one counting from <paramref name="startHeight"/>.</summary>
    public ValidatorSigningInfo SigningInfoOrNew(IStateReader state, byte[] cons, ulong startHeight) =>
        GetSigningInfo(state, cons) ?? new ValidatorSigningInfo { Address = Address.ToBech32(cons, Address.ValidatorConsensusPrefix), StartHeight = startHeight };

    public void SetSigningInfo(IStateStore store, ReadOnlySpan<byte> cons, ValidatorSigningInfo info) =>
        Scoped(store).Set(StakingKeys.SigningInfo(cons), info.ToByteArray());

    public IEnumerable<ValidatorSigningInfo> AllSigningInfos(IStateReader state)
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(StakingKeys.SigningInfos))
        {
            yield return ValidatorSigningInfo.Parser.ParseFrom(v);
        }
    }

    public bool GetMissed(IStateReader state, ReadOnlySpan<byte> cons, ulong index) => Scoped(state).Get(StakingKeys.Missed(cons, index)) is not null;

    public void SetMissed(IStateStore store, ReadOnlySpan<byte> cons, ulong index, bool missed)
    {
        if (missed)
        {
            Scoped(store).Set(StakingKeys.Missed(cons, index), StakingKeys.Present);
        }
        else
        {
            Scoped(store).Delete(StakingKeys.Missed(cons, index));
        }
    }

    /// <summary>The window indexes <paramref name="cons"/> missed, ascending.</summary>
    public List<ulong> MissedIndexes(IStateReader state, byte[] cons)
    {
        var prefix = StakingKeys.Join(StakingKeys.MissedBlocks, cons);
        var list = new List<ulong>();
        foreach (var (k, _) in Scoped(state).IteratePrefix(prefix))
        {
            list.Add(StakingKeys.ReadU64(k.AsSpan(prefix.Length)));
        }

        return list;
    }

    public void ClearMissed(IStateStore store, byte[] cons)
    {
        foreach (var index in MissedIndexes(store, cons))
        {
            SetMissed(store, cons, index, false);
        }
    }

    public static T? Parse<T>(byte[]? raw, MessageParser<T> parser)
        where T : IMessage<T> => raw is null ? default : parser.ParseFrom(raw);
}
