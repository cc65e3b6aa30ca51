using Chain.Crypto;
using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Chain.State.Store;
using Google.Protobuf;

namespace Chain.Modules.Work.Keeper;

/// <summary>Typed access to the work module's records, its index of receipts awaiting an answer, and its queue (<see cref="WorkKeys"/>).</summary>
public sealed class WorkRecords
{
    public static IStateStore Scoped(IStateStore store) => new PrefixStore(store, WorkKeys.ModulePrefix);

    public static IStateStore Scoped(IStateReader state) => Scoped(state as IStateStore ?? new ReadOnlyStateStore(state));

    public Proto.Work.Params GetParams(IStateReader state) => Parse(Scoped(state).Get(WorkKeys.Params), Proto.Work.Params.Parser) ?? WorkParams.Default();

    public void SetParams(IStateStore store, Proto.Work.Params p) => Scoped(store).Set(WorkKeys.Params, p.ToByteArray());

    public RewardPool GetPool(IStateReader state) => Parse(Scoped(state).Get(WorkKeys.Pool), RewardPool.Parser) ?? new RewardPool();

    public void SetPool(IStateStore store, RewardPool pool) => Scoped(store).Set(WorkKeys.Pool, pool.ToByteArray());

    // Providers

    public ProviderWork? GetProvider(IStateReader state, ReadOnlySpan<byte> address) => Parse(Scoped(state).Get(WorkKeys.Provider(address)), ProviderWork.Parser);

    public ProviderWork ProviderOrNew(IStateReader state, byte[] address) => GetProvider(state, address) ?? new ProviderWork { Provider = Address.ToBech32(address) };

    public void SetProvider(IStateStore store, ProviderWork p) => Scoped(store).Set(WorkKeys.Provider(Address.FromBech32(p.Provider)), p.ToByteArray());

    public IEnumerable<ProviderWork> AllProviders(IStateReader state) =>
        Scoped(state).IteratePrefix(WorkKeys.Providers).Select(kv => ProviderWork.Parser.ParseFrom(kv.Value));

    // Leases

    public LeaseWork? GetLease(IStateReader state, ulong id) => Parse(Scoped(state).Get(WorkKeys.Lease(id)), LeaseWork.Parser);

    public void SetLease(IStateStore store, LeaseWork lease) => Scoped(store).Set(WorkKeys.Lease(lease.LeaseId), lease.ToByteArray());

    public IEnumerable<LeaseWork> AllLeases(IStateReader state) =>
        Scoped(state).IteratePrefix(WorkKeys.Leases).Select(kv => LeaseWork.Parser.ParseFrom(kv.Value));

    // Receipts

    public Receipt? GetReceipt(IStateReader state, ulong lease, ulong round) => Parse(Scoped(state).Get(WorkKeys.Receipt(lease, round)), Receipt.Parser);

    /// <summary>Saves a receipt and keeps the awaiting-answer index in step with its status.</summary>
    public void SaveReceipt(IStateStore store, Receipt r)
    {
        var s = Scoped(store);
        s.Set(WorkKeys.Receipt(r.LeaseId, r.Round), r.ToByteArray());
        var index = WorkKeys.Awaiting(Address.FromBech32(r.Provider), r.LeaseId, r.Round);
        if (AwaitsAnswer(r))
        {
            s.Set(index, WorkKeys.Present);
        }
        else
        {
            s.Delete(index);
        }
    }

    /// <summary>
    /// Ends a receipt as <paramref name="status"/> at <paramref name="height"/> and saves it; returns its provider's record
    /// with one unresolved receipt fewer, for the caller to count the outcome in and save.
    /// </summary>
    public ProviderWork Resolve(IStateStore store, Receipt receipt, ReceiptStatus status, ulong height)
    {
        receipt.Status = status;
        receipt.ResolvedHeight = height;
        SaveReceipt(store, receipt);
        var provider = ProviderOrNew(store, Address.FromBech32(receipt.Provider));
        provider.UnresolvedReceipts = provider.UnresolvedReceipts > 0 ? provider.UnresolvedReceipts - 1 : 0;
        return provider;
    }

    public static bool AwaitsAnswer(Receipt r) => r.Status is ReceiptStatus.Challenged or ReceiptStatus.TilesRequested;

    public IEnumerable<Receipt> ReceiptsOf(IStateReader state, ulong lease) =>
        Scoped(state).IteratePrefix(WorkKeys.ReceiptsOf(lease)).Select(kv => Receipt.Parser.ParseFrom(kv.Value));

    public IEnumerable<Receipt> AllReceipts(IStateReader state) =>
        Scoped(state).IteratePrefix(WorkKeys.Receipts).Select(kv => Receipt.Parser.ParseFrom(kv.Value));

    public IEnumerable<Receipt> AwaitingAnswer(IStateReader state, byte[] provider)
    {
        foreach (var kv in Scoped(state).IteratePrefix(WorkKeys.AwaitingOf(provider)))
        {
            var (lease, round) = WorkKeys.TrailingLeaseRound(kv.Key);
            yield return GetReceipt(state, lease, round)!;
        }
    }

    // Queue

    public void Enqueue(IStateStore store, ulong height, byte kind, ulong lease, ulong round) =>
        Scoped(store).Set(WorkKeys.Queue(height, kind, lease, round), WorkKeys.Present);

    /// <summary>Removes and returns up to <paramref name="max"/> entries due at or before <paramref name="height"/>, in key order.</summary>
    public List<(ulong Height, byte Kind, ulong Lease, ulong Round)> DequeueDue(IStateStore store, ulong height, int max)
    {
        var s = Scoped(store);
        var due = new List<(byte[] Key, (ulong, byte, ulong, ulong) Entry)>();
        foreach (var kv in s.IteratePrefix(WorkKeys.QueuePrefix))
        {
            var entry = WorkKeys.ParseQueue(kv.Key);
            if (entry.Height > height || due.Count >= max)
            {
                break;
            }

            due.Add((kv.Key, entry));
        }

        foreach (var (key, _) in due)
        {
            s.Delete(key);
        }

        return due.Select(d => d.Entry).ToList();
    }

    // Receipts verified in this block

    public void MarkVerified(IStateStore store, ulong lease, ulong round) => Scoped(store).Set(WorkKeys.Verified(lease, round), WorkKeys.Present);

    public List<(ulong Lease, ulong Round)> TakeVerified(IStateStore store)
    {
        var s = Scoped(store);
        var keys = s.IteratePrefix(WorkKeys.VerifiedPrefix).Select(kv => kv.Key).ToList();
        foreach (var k in keys)
        {
            s.Delete(k);
        }

        return keys.Select(k => WorkKeys.TrailingLeaseRound(k)).ToList();
    }

    private static T? Parse<T>(byte[]? raw, MessageParser<T> parser)
        where T : class, IMessage<T> => raw is null ? null : parser.ParseFrom(raw);
}
