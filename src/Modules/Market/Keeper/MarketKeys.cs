using System.Buffers.Binary;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// The market's key space under "market/". Primary records: "P"+owner → Provider, "O"+id → Order, "B"+id → Bid,
/// "L"+id → Lease, "E"+id → EscrowAccount, "p" → Params, "no"/"nb" → next order/bid id (u64 BE).
/// Secondary indexes (value 0x01, derived from the records): "iow"+owner+id and "ios"+state+id (orders),
/// "ibo"+order+bid, "ibp"+provider+bid and "ibs"+state+bid (bids), "ibn"+order+bid (the order's open bids, at most
/// order_max_bids), "ibl"+provider+bid (the provider's open and active bids), "ilw"+tenant+id, "ilp"+provider+id and
/// "ils"+state+id (leases); queues: "qc"+height+order (bidding closes), "qd"+height+lease (funds run out).
/// The open and live bid indexes let bidding, matching and provider deletion touch only the bids that still matter,
/// never a history that grows with every bid made.
/// Ids and heights are u64 big-endian so keys sort by number.
/// </summary>
public static class MarketKeys
{
    public static readonly byte[] ModulePrefix = "market/"u8.ToArray();
    public static readonly byte[] Params = "p"u8.ToArray();
    public static readonly byte[] NextOrderId = "no"u8.ToArray();
    public static readonly byte[] NextBidId = "nb"u8.ToArray();

    public static readonly byte[] Providers = "P"u8.ToArray();
    public static readonly byte[] Orders = "O"u8.ToArray();
    public static readonly byte[] Bids = "B"u8.ToArray();
    public static readonly byte[] Leases = "L"u8.ToArray();
    public static readonly byte[] EscrowAccounts = "E"u8.ToArray();

    public static readonly byte[] Indexes = "i"u8.ToArray();
    public static readonly byte[] Queues = "q"u8.ToArray();
    public static readonly byte[] OrdersByOwnerPrefix = "iow"u8.ToArray();
    public static readonly byte[] OrdersByStatePrefix = "ios"u8.ToArray();
    public static readonly byte[] BidsByOrderPrefix = "ibo"u8.ToArray();
    public static readonly byte[] BidsByProviderPrefix = "ibp"u8.ToArray();
    public static readonly byte[] BidsByStatePrefix = "ibs"u8.ToArray();
    public static readonly byte[] OpenBidsByOrderPrefix = "ibn"u8.ToArray();
    public static readonly byte[] LiveBidsByProviderPrefix = "ibl"u8.ToArray();
    public static readonly byte[] LeasesByTenantPrefix = "ilw"u8.ToArray();
    public static readonly byte[] LeasesByProviderPrefix = "ilp"u8.ToArray();
    public static readonly byte[] LeasesByStatePrefix = "ils"u8.ToArray();
    public static readonly byte[] BiddingClosesPrefix = "qc"u8.ToArray();
    public static readonly byte[] FundsRunOutPrefix = "qd"u8.ToArray();

    /// <summary>The value of every index entry.</summary>
    public static readonly byte[] Present = [1];

    public static byte[] Provider(ReadOnlySpan<byte> owner) => Join(Providers, owner);

    public static byte[] Order(ulong id) => Join(Orders, [], id);

    public static byte[] Bid(ulong id) => Join(Bids, [], id);

    public static byte[] Lease(ulong id) => Join(Leases, [], id);

    public static byte[] Escrow(ulong id) => Join(EscrowAccounts, [], id);

    public static byte[] OrdersByOwner(ReadOnlySpan<byte> owner) => Join(OrdersByOwnerPrefix, owner);

    public static byte[] OrderByOwner(ReadOnlySpan<byte> owner, ulong id) => Join(OrdersByOwnerPrefix, owner, id);

    public static byte[] OrdersByState(int state) => Join(OrdersByStatePrefix, [(byte)state]);

    public static byte[] OrderByState(int state, ulong id) => Join(OrdersByStatePrefix, [(byte)state], id);

    public static byte[] BidsByOrder(ulong orderId) => Join(BidsByOrderPrefix, [], orderId);

    public static byte[] BidByOrder(ulong orderId, ulong bidId) => Join(Join(BidsByOrderPrefix, [], orderId), [], bidId);

    public static byte[] BidsByProvider(ReadOnlySpan<byte> provider) => Join(BidsByProviderPrefix, provider);

    public static byte[] BidByProvider(ReadOnlySpan<byte> provider, ulong bidId) => Join(BidsByProviderPrefix, provider, bidId);

    public static byte[] OpenBidsByOrder(ulong orderId) => Join(OpenBidsByOrderPrefix, [], orderId);

    public static byte[] OpenBidByOrder(ulong orderId, ulong bidId) => Join(Join(OpenBidsByOrderPrefix, [], orderId), [], bidId);

    public static byte[] LiveBidsByProvider(ReadOnlySpan<byte> provider) => Join(LiveBidsByProviderPrefix, provider);

    public static byte[] LiveBidByProvider(ReadOnlySpan<byte> provider, ulong bidId) => Join(LiveBidsByProviderPrefix, provider, bidId);

    public static byte[] BidsByState(int state) => Join(BidsByStatePrefix, [(byte)state]);

    public static byte[] BidByState(int state, ulong id) => Join(BidsByStatePrefix, [(byte)state], id);

    public static byte[] LeasesByTenant(ReadOnlySpan<byte> tenant) => Join(LeasesByTenantPrefix, tenant);

    public static byte[] LeaseByTenant(ReadOnlySpan<byte> tenant, ulong id) => Join(LeasesByTenantPrefix, tenant, id);

    public static byte[] LeasesByProvider(ReadOnlySpan<byte> provider) => Join(LeasesByProviderPrefix, provider);

    public static byte[] LeaseByProvider(ReadOnlySpan<byte> provider, ulong id) => Join(LeasesByProviderPrefix, provider, id);

    public static byte[] LeasesByState(int state) => Join(LeasesByStatePrefix, [(byte)state]);

    public static byte[] LeaseByState(int state, ulong id) => Join(LeasesByStatePrefix, [(byte)state], id);

    public static byte[] BiddingClosesAt(ulong height) => Join(BiddingClosesPrefix, [], height);

    public static byte[] BiddingCloses(ulong height, ulong orderId) => Join(Join(BiddingClosesPrefix, [], height), [], orderId);

    public static byte[] FundsRunOutAt(ulong height) => Join(FundsRunOutPrefix, [], height);

    public static byte[] FundsRunOut(ulong height, ulong leaseId) => Join(Join(FundsRunOutPrefix, [], height), [], leaseId);

    /// <summary>The id in the last 8 bytes of an index or queue key.</summary>
    public static ulong TrailingId(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt64BigEndian(key[^8..]);

    public static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }

    private static byte[] Join(byte[] prefix, ReadOnlySpan<byte> middle)
    {
        var key = new byte[prefix.Length + middle.Length];
        prefix.CopyTo(key, 0);
        middle.CopyTo(key.AsSpan(prefix.Length));
        return key;
    }

    private static byte[] Join(byte[] prefix, ReadOnlySpan<byte> middle, ulong id)
    {
        var key = new byte[prefix.Length + middle.Length + 8];
        prefix.CopyTo(key, 0);
        middle.CopyTo(key.AsSpan(prefix.Length));
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(prefix.Length + middle.Length), id);
        return key;
    }
}
