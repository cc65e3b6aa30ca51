using System.Buffers.Binary;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// The key space under "staking/". Addresses are 20 bytes, heights and times (Unix seconds) u64 big-endian, so keys
/// sort by number.
/// Staking: "p" → Params, "V"+op → Validator, "C"+cons → op, "X"+(2^64-1-power)+op → power index (non-jailed
/// validators; highest power first, ties to the lower address), "L"+op → last power (i64), "LT" → last total power,
/// "D"+del+val → Delegation, "d"+val+del → index, "U"+del+val → UnbondingDelegation, "u"+val+del → index,
/// "R"+del+src+dst → Redelegation, "r"+src+del+dst and "t"+del+dst+src → indexes, queues "qu"+time+del+val,
/// "qr"+time+del+src+dst and "qv"+time+height+op.
/// Distribution: "Pd" → params, "Fp" → community pool (Dec), "Fh"+val+period → historical rewards, "Fc"+val → current
/// rewards, "Fm"+val → accumulated commission, "Fo"+val → outstanding rewards, "Fs"+val+del → starting info,
/// "Fe"+val+height+period → slash event.
/// Slashing: "Ps" → params, "Si"+cons → signing info, "Sm"+cons+index → missed (present).
/// Mint: "Pm" → params, "Mm" → minter.
/// </summary>
public static class StakingKeys
{
    public static readonly byte[] ModulePrefix = "staking/"u8.ToArray();

    public static readonly byte[] Params = "p"u8.ToArray();
    public static readonly byte[] Validators = "V"u8.ToArray();
    public static readonly byte[] ValidatorsByCons = "C"u8.ToArray();
    public static readonly byte[] PowerIndex = "X"u8.ToArray();
    public static readonly byte[] LastPowers = "L"u8.ToArray();
    public static readonly byte[] LastTotalPower = "LT"u8.ToArray();
    public static readonly byte[] Delegations = "D"u8.ToArray();
    public static readonly byte[] DelegationsByValidator = "d"u8.ToArray();
    public static readonly byte[] Unbondings = "U"u8.ToArray();
    public static readonly byte[] UnbondingsByValidator = "u"u8.ToArray();
    public static readonly byte[] Redelegations = "R"u8.ToArray();
    public static readonly byte[] RedelegationsBySource = "r"u8.ToArray();
    public static readonly byte[] RedelegationsByDestination = "t"u8.ToArray();
    public static readonly byte[] UnbondingQueue = "qu"u8.ToArray();
    public static readonly byte[] RedelegationQueue = "qr"u8.ToArray();
    public static readonly byte[] ValidatorQueue = "qv"u8.ToArray();

    public static readonly byte[] DistributionParams = "Pd"u8.ToArray();
    public static readonly byte[] CommunityPool = "Fp"u8.ToArray();
    public static readonly byte[] HistoricalRewards = "Fh"u8.ToArray();
    public static readonly byte[] CurrentRewards = "Fc"u8.ToArray();
    public static readonly byte[] Commissions = "Fm"u8.ToArray();
    public static readonly byte[] Outstanding = "Fo"u8.ToArray();
    public static readonly byte[] StartingInfos = "Fs"u8.ToArray();
    public static readonly byte[] SlashEvents = "Fe"u8.ToArray();

    public static readonly byte[] SlashingParams = "Ps"u8.ToArray();
    public static readonly byte[] SigningInfos = "Si"u8.ToArray();
    public static readonly byte[] MissedBlocks = "Sm"u8.ToArray();

    public static readonly byte[] MintParams = "Pm"u8.ToArray();
    public static readonly byte[] Minter = "Mm"u8.ToArray();

    public static readonly byte[] Present = [1];

    public static byte[] Validator(ReadOnlySpan<byte> op) => Join(Validators, op);

    public static byte[] ValidatorByCons(ReadOnlySpan<byte> cons) => Join(ValidatorsByCons, cons);

    public static byte[] Power(long power, ReadOnlySpan<byte> op) => Join(PowerIndex, U64(ulong.MaxValue - (ulong)power), op);

    public static byte[] LastPower(ReadOnlySpan<byte> op) => Join(LastPowers, op);

    public static byte[] Delegation(ReadOnlySpan<byte> del, ReadOnlySpan<byte> val) => Join(Delegations, del, val);

    public static byte[] DelegationByValidator(ReadOnlySpan<byte> val, ReadOnlySpan<byte> del) => Join(DelegationsByValidator, val, del);

    public static byte[] Unbonding(ReadOnlySpan<byte> del, ReadOnlySpan<byte> val) => Join(Unbondings, del, val);

    public static byte[] UnbondingByValidator(ReadOnlySpan<byte> val, ReadOnlySpan<byte> del) => Join(UnbondingsByValidator, val, del);

    public static byte[] Redelegation(ReadOnlySpan<byte> del, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst) => Join(Join(Redelegations, del, src), dst);

    public static byte[] RedelegationBySource(ReadOnlySpan<byte> src, ReadOnlySpan<byte> del, ReadOnlySpan<byte> dst) => Join(Join(RedelegationsBySource, src, del), dst);

    public static byte[] RedelegationByDestination(ReadOnlySpan<byte> del, ReadOnlySpan<byte> dst, ReadOnlySpan<byte> src) => Join(Join(RedelegationsByDestination, del, dst), src);

    public static byte[] UnbondingQueueEntry(long time, ReadOnlySpan<byte> del, ReadOnlySpan<byte> val) => Join(Join(UnbondingQueue, U64(Time(time)), del), val);

    public static byte[] RedelegationQueueEntry(long time, ReadOnlySpan<byte> del, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst) =>
        Join(Join(Join(RedelegationQueue, U64(Time(time)), del), src), dst);

    public static byte[] ValidatorQueueEntry(long time, ulong height, ReadOnlySpan<byte> op) => Join(Join(ValidatorQueue, U64(Time(time)), U64(height)), op);

    public static byte[] Historical(ReadOnlySpan<byte> val, ulong period) => Join(HistoricalRewards, val, U64(period));

    public static byte[] Current(ReadOnlySpan<byte> val) => Join(CurrentRewards, val);

    public static byte[] Commission(ReadOnlySpan<byte> val) => Join(Commissions, val);

    public static byte[] OutstandingRewards(ReadOnlySpan<byte> val) => Join(Outstanding, val);

    public static byte[] StartingInfo(ReadOnlySpan<byte> val, ReadOnlySpan<byte> del) => Join(StartingInfos, val, del);

    public static byte[] SlashEvent(ReadOnlySpan<byte> val, ulong height, ulong period) => Join(Join(SlashEvents, val, U64(height)), U64(period));

    public static byte[] SigningInfo(ReadOnlySpan<byte> cons) => Join(SigningInfos, cons);

    public static byte[] Missed(ReadOnlySpan<byte> cons, ulong index) => Join(MissedBlocks, cons, U64(index));

    public static byte[] Join(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var key = new byte[a.Length + b.Length];
        a.CopyTo(key);
        b.CopyTo(key.AsSpan(a.Length));
        return key;
    }

    public static byte[] Join(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var key = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(key);
        b.CopyTo(key.AsSpan(a.Length));
        c.CopyTo(key.AsSpan(a.Length + b.Length));
        return key;
    }

    public static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }

    public static ulong ReadU64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64BigEndian(bytes);

    /// <summary>Times before 1970 do not occur in records; clamp so the key stays ordered.</summary>
    private static ulong Time(long unixSeconds) => unixSeconds < 0 ? 0 : (ulong)unixSeconds;
}
