using System.Buffers.Binary;
using Chain.Crypto;
using Chain.Modules.Market.Params;
using Chain.Proto.Market;
using Chain.State.Store;
using Google.Protobuf;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// Typed access to the market's primary records, keeping every secondary index in step with them: a record is
/// saved together with the state it had before, and only the index entries that differ are written.
/// </summary>
public sealed class MarketRecords
{
    public static IStateStore Scoped(IStateStore store) => new PrefixStore(store, MarketKeys.ModulePrefix);

    public static IStateStore Scoped(IStateReader state) => Scoped(state as IStateStore ?? new ReadOnlyStateStore(state));

    public Proto.Market.Params GetParams(IStateReader state)
    {
        var raw = Scoped(state).Get(MarketKeys.Params);
        return raw is null ? MarketParams.Default() : Proto.Market.Params.Parser.ParseFrom(raw);
    }

    public void SetParams(IStateStore store, Proto.Market.Params p) => Scoped(store).Set(MarketKeys.Params, p.ToByteArray());

    public ulong NextId(IStateStore store, byte[] counter)
    {
        var s = Scoped(store);
        var raw = s.Get(counter);
        var id = raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 1;
        s.Set(counter, MarketKeys.U64(id + 1));
        return id;
    }

    public ulong PeekNextId(IStateReader state, byte[] counter)
    {
        var raw = Scoped(state).Get(counter);
        return raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 1;
    }

    public void SetNextId(IStateStore store, byte[] counter, ulong next) => Scoped(store).Set(counter, MarketKeys.U64(next));

    // Providers

    public Provider? GetProvider(IStateReader state, ReadOnlySpan<byte> owner) =>
        Parse(Scoped(state).Get(MarketKeys.Provider(owner)), Provider.Parser);

    public void SetProvider(IStateStore store, ReadOnlySpan<byte> owner, Provider provider) =>
        Scoped(store).Set(MarketKeys.Provider(owner), provider.ToByteArray());

    public void DeleteProvider(IStateStore store, ReadOnlySpan<byte> owner) => Scoped(store).Delete(MarketKeys.Provider(owner));

    // Orders

    public Order? GetOrder(IStateReader state, ulong id) => Parse(Scoped(state).Get(MarketKeys.Order(id)), Order.Parser);

    /// <summary>Saves an order; <paramref name="before"/> is its state as stored (null for a new order).</summary>
    public void SaveOrder(IStateStore store, Order order, OrderState? before)
    {
        var s = Scoped(store);
        s.Set(MarketKeys.Order(order.Id), order.ToByteArray());
        if (before is null)
        {
            s.Set(MarketKeys.OrderByOwner(Address.FromBech32(order.Owner), order.Id), MarketKeys.Present);
        }

        if (before != order.State)
        {
            if (before is { } old)
            {
                s.Delete(MarketKeys.OrderByState((int)old, order.Id));
                if (old == OrderState.Open)
                {
                    s.Delete(MarketKeys.BiddingCloses(order.BiddingClosesHeight, order.Id));
                }
            }

            s.Set(MarketKeys.OrderByState((int)order.State, order.Id), MarketKeys.Present);
            if (order.State == OrderState.Open)
            {
                s.Set(MarketKeys.BiddingCloses(order.BiddingClosesHeight, order.Id), MarketKeys.Present);
            }
        }
    }

    // Bids

    public Bid? GetBid(IStateReader state, ulong id) => Parse(Scoped(state).Get(MarketKeys.Bid(id)), Bid.Parser);

    public void SaveBid(IStateStore store, Bid bid, BidState? before)
    {
        var s = Scoped(store);
        s.Set(MarketKeys.Bid(bid.Id), bid.ToByteArray());
        if (before is null)
        {
            s.Set(MarketKeys.BidByOrder(bid.OrderId, bid.Id), MarketKeys.Present);
            s.Set(MarketKeys.BidByProvider(Address.FromBech32(bid.Provider), bid.Id), MarketKeys.Present);
        }

        if (before != bid.State)
        {
            if (before is { } old)
            {
                s.Delete(MarketKeys.BidByState((int)old, bid.Id));
            }

            s.Set(MarketKeys.BidByState((int)bid.State, bid.Id), MarketKeys.Present);
            var provider = Address.FromBech32(bid.Provider);
            Toggle(s, MarketKeys.OpenBidByOrder(bid.OrderId, bid.Id), before == BidState.Open, bid.State == BidState.Open);
            Toggle(s, MarketKeys.LiveBidByProvider(provider, bid.Id), IsLive(before), IsLive(bid.State));
        }
    }

    /// <summary>Whether a bid in this state holds a deposit and ties its provider (open or active).</summary>
    public static bool IsLive(BidState? state) => state is BidState.Open or BidState.Active;

    /// <summary>The ids of the order's open bids, oldest first: at most order_max_bids, since a bid beyond them is refused.</summary>
    public List<ulong> OpenBidIdsOfOrder(IStateReader state, ulong orderId) => Ids(state, MarketKeys.OpenBidsByOrder(orderId));

    /// <summary>The provider's oldest open or active bid, or null: one index entry read however many bids it has made.</summary>
    public ulong? FirstLiveBidOfProvider(IStateReader state, ReadOnlySpan<byte> provider)
    {
        foreach (var (k, _) in Scoped(state).IteratePrefix(MarketKeys.LiveBidsByProvider(provider)))
        {
            return MarketKeys.TrailingId(k);
        }

        return null;
    }

    // Leases

    public Lease? GetLease(IStateReader state, ulong id) => Parse(Scoped(state).Get(MarketKeys.Lease(id)), Lease.Parser);

    public void SaveLease(IStateStore store, Lease lease, LeaseState? before)
    {
        var s = Scoped(store);
        s.Set(MarketKeys.Lease(lease.Id), lease.ToByteArray());
        if (before is null)
        {
            s.Set(MarketKeys.LeaseByTenant(Address.FromBech32(lease.Tenant), lease.Id), MarketKeys.Present);
            s.Set(MarketKeys.LeaseByProvider(Address.FromBech32(lease.Provider), lease.Id), MarketKeys.Present);
        }

        if (before != lease.State)
        {
            if (before is { } old)
            {
                s.Delete(MarketKeys.LeaseByState((int)old, lease.Id));
            }

            s.Set(MarketKeys.LeaseByState((int)lease.State, lease.Id), MarketKeys.Present);
        }
    }

    // Escrow accounts

    public EscrowAccount? GetEscrow(IStateReader state, ulong id) => Parse(Scoped(state).Get(MarketKeys.Escrow(id)), EscrowAccount.Parser);

    /// <summary>
    /// The height in whose EndBlock an escrow's funds run out: the last block its balance pays for in full.
    /// Null when it pays for nothing yet (no lease) or is closed.
    /// </summary>
    public static ulong? FundsRunOutHeight(EscrowAccount escrow) =>
        escrow.State == EscrowState.Open && escrow.Rate > 0 ? escrow.SettledHeight + escrow.Balance / escrow.Rate : null;

    /// <summary>Saves an escrow account; <paramref name="runOutBefore"/> is <see cref="FundsRunOutHeight"/> of the stored record.</summary>
    public void SaveEscrow(IStateStore store, EscrowAccount escrow, ulong? runOutBefore)
    {
        var s = Scoped(store);
        s.Set(MarketKeys.Escrow(escrow.Id), escrow.ToByteArray());
        var runOut = FundsRunOutHeight(escrow);
        if (runOut != runOutBefore)
        {
            if (runOutBefore is { } old)
            {
                s.Delete(MarketKeys.FundsRunOut(old, escrow.Id));
            }

            if (runOut is { } now)
            {
                s.Set(MarketKeys.FundsRunOut(now, escrow.Id), MarketKeys.Present);
            }
        }
    }

    // Queues

    public List<ulong> OrdersClosingAt(IStateReader state, ulong height) => Ids(state, MarketKeys.BiddingClosesAt(height));

    public List<ulong> LeasesRunningOutAt(IStateReader state, ulong height) => Ids(state, MarketKeys.FundsRunOutAt(height));

    /// <summary>Up to <paramref name="max"/> open orders whose bidding closed at or before <paramref name="height"/>: oldest height first, then by id.</summary>
    public List<ulong> DueOrders(IStateReader state, ulong height, int max) => Due(state, MarketKeys.BiddingClosesPrefix, height, max);

    /// <summary>Up to <paramref name="max"/> leases whose funds ran out at or before <paramref name="height"/>: oldest height first, then by id.</summary>
    public List<ulong> DueLeases(IStateReader state, ulong height, int max) => Due(state, MarketKeys.FundsRunOutPrefix, height, max);

    // Iteration (genesis export, invariants, queries)

    public IEnumerable<T> All<T>(IStateReader state, byte[] prefix, MessageParser<T> parser)
        where T : IMessage<T>
    {
        foreach (var (_, v) in Scoped(state).IteratePrefix(prefix))
        {
            yield return parser.ParseFrom(v);
        }
    }

    private static List<ulong> Ids(IStateReader state, byte[] prefix)
    {
        var ids = new List<ulong>();
        foreach (var (k, _) in Scoped(state).IteratePrefix(prefix))
        {
            ids.Add(MarketKeys.TrailingId(k));
        }

        return ids;
    }

    /// <summary>The ids at the head of a queue keyed by height then id, reading no entry past the first not taken.</summary>
    private static List<ulong> Due(IStateReader state, byte[] queue, ulong height, int max)
    {
        var ids = new List<ulong>();
        foreach (var (k, _) in Scoped(state).IteratePrefix(queue))
        {
            if (ids.Count >= max || BinaryPrimitives.ReadUInt64BigEndian(k.AsSpan(queue.Length, 8)) > height)
            {
                break;
            }

            ids.Add(MarketKeys.TrailingId(k));
        }

        return ids;
    }

    private static void Toggle(IStateStore s, byte[] key, bool was, bool now)
    {
        if (was && !now)
        {
            s.Delete(key);
        }
        else if (now && !was)
        {
            s.Set(key, MarketKeys.Present);
        }
    }

    private static T? Parse<T>(byte[]? raw, MessageParser<T> parser)
        where T : class, IMessage<T> => raw is null ? null : parser.ParseFrom(raw);
}
