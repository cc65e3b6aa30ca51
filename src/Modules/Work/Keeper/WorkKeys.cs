using System.Buffers.Binary;
using Chain.Crypto;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// The work module's key space under "work/". Records: "p" → Params, "P"+provider → ProviderWork, "L"+lease →
/// LeaseWork, "R"+lease+round → Receipt, "pool" → RewardPool.
/// Index: "ia"+provider+lease+round → a receipt awaiting the provider's answer. Queue: "q"+height+kind+lease+round,
/// drained in key order at most max_queue_per_block entries per block. "v"+lease+round: receipts verified in this block,
/// paid and cleared in EndBlock. Numbers are u64 big-endian so keys sort by number.
/// </summary>
public static class WorkKeys
{
    public static readonly byte[] ModulePrefix = "work/"u8.ToArray();
    public static readonly byte[] Params = "p"u8.ToArray();
    public static readonly byte[] Pool = "pool"u8.ToArray();
    public static readonly byte[] Providers = "P"u8.ToArray();
    public static readonly byte[] Leases = "L"u8.ToArray();
    public static readonly byte[] Receipts = "R"u8.ToArray();
    public static readonly byte[] AwaitingPrefix = "ia"u8.ToArray();
    public static readonly byte[] QueuePrefix = "q"u8.ToArray();
    public static readonly byte[] VerifiedPrefix = "v"u8.ToArray();
    public static readonly byte[] Present = [1];

    /// <summary>Queue entry kinds, in the order they run within a height.</summary>
    public const byte RoundCheck = (byte)'r';
    public const byte ChallengeBlock = (byte)'c';
    public const byte DrawChallenge = (byte)'x';
    public const byte ResponseDeadline = (byte)'d';
    public const byte DisputeWindowEnd = (byte)'w';

    public static byte[] Provider(ReadOnlySpan<byte> address) => [.. Providers, .. address];

    public static byte[] Lease(ulong id) => [.. Leases, .. U64(id)];

    public static byte[] ReceiptsOf(ulong lease) => [.. Receipts, .. U64(lease)];

    public static byte[] Receipt(ulong lease, ulong round) => [.. Receipts, .. U64(lease), .. U64(round)];

    public static byte[] AwaitingOf(ReadOnlySpan<byte> provider) => [.. AwaitingPrefix, .. provider];

    public static byte[] Awaiting(ReadOnlySpan<byte> provider, ulong lease, ulong round) => [.. AwaitingPrefix, .. provider, .. U64(lease), .. U64(round)];

    public static byte[] Queue(ulong height, byte kind, ulong lease, ulong round) => [.. QueuePrefix, .. U64(height), kind, .. U64(lease), .. U64(round)];

    public static byte[] Verified(ulong lease, ulong round) => [.. VerifiedPrefix, .. U64(lease), .. U64(round)];

    /// <summary>(height, kind, lease, round) of a queue key (without the module prefix).</summary>
    public static (ulong Height, byte Kind, ulong Lease, ulong Round) ParseQueue(ReadOnlySpan<byte> key) =>
        (BinaryPrimitives.ReadUInt64BigEndian(key[1..]), key[9], BinaryPrimitives.ReadUInt64BigEndian(key[10..]), BinaryPrimitives.ReadUInt64BigEndian(key[18..]));

    /// <summary>(lease, round) from the last 16 bytes of a key.</summary>
    public static (ulong Lease, ulong Round) TrailingLeaseRound(ReadOnlySpan<byte> key) =>
        (BinaryPrimitives.ReadUInt64BigEndian(key[^16..]), BinaryPrimitives.ReadUInt64BigEndian(key[^8..]));

    public static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }

    /// <summary>The module account that holds providers' work bonds.</summary>
    public static readonly byte[] BondAccount = Address.FromPublicKey("module/work_bonds"u8);
}
