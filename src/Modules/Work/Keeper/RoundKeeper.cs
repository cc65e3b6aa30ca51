using Chain.Crypto;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Matching;
using Chain.Modules.Work.Params;
using Chain.Proto.Market;
using Chain.Proto.Work;
using Chain.State.Modules;
using static Chain.Modules.Work.Events.WorkEvents;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// Receipt rounds of a lease. A lease that forms at height h opens round 1 at the next block; round r is open for
/// receipt_interval blocks; the block after it closes checks that its receipt came (a missed receipt is a failure)
/// and opens round r + 1 if the lease is still active. Opening a round fixes the spec its receipt must carry: the
/// seed is drawn from the hash of the block before (so no input exists before the round opens).
/// </summary>
public sealed class RoundKeeper(WorkRecords records, MarketKeeper market, FailureKeeper failures)
{
    /// <summary>A lease formed: its work record, with the rows its GPUs must multiply, and its first round next block.</summary>
    public void LeaseCreated(MsgContext ctx, Lease lease, Order order)
    {
        var store = ctx.Store;
        var p = records.GetParams(store);
        var model = GpuModel(store, lease.Provider);
        var gpus = Math.Max(1u, order.Resources?.GpuCount ?? 1u);
        var rows = (uint)Math.Min((ulong)WorkParams.RowsPerGpu(p, model) * gpus, WorkParams.MaxRows);
        records.SetLease(store, new LeaseWork
        {
            LeaseId = lease.Id, Provider = lease.Provider, Tenant = lease.Tenant, Active = true, SeededRows = rows, GpuModel = model,
        });
        var provider = records.ProviderOrNew(store, Address.FromBech32(lease.Provider));
        provider.ActiveLeases++;
        records.SetProvider(store, provider);
        records.Enqueue(store, ctx.Block.Height + 1, WorkKeys.RoundCheck, lease.Id, 0);
    }

    public void LeaseClosed(MsgContext ctx, Lease lease)
    {
        var store = ctx.Store;
        var work = records.GetLease(store, lease.Id);
        if (work is null || !work.Active)
        {
            return;
        }

        work.Active = false;
        records.SetLease(store, work);
        var provider = records.ProviderOrNew(store, Address.FromBech32(lease.Provider));
        provider.ActiveLeases = provider.ActiveLeases > 0 ? provider.ActiveLeases - 1 : 0;
        records.SetProvider(store, provider);
    }

    /// <summary>The queue entry at the end of round <paramref name="round"/> (0: the lease just formed).</summary>
    public void CheckRound(MsgContext ctx, ulong leaseId, ulong round)
    {
        var store = ctx.Store;
        var work = records.GetLease(store, leaseId);
        if (work is null || !work.Active || work.Round != round)
        {
            return;
        }

        if (round > 0 && !work.ReceiptSubmitted)
        {
            failures.Missed(ctx, work);
            return;
        }

        OpenRound(ctx, work);
    }

    private void OpenRound(MsgContext ctx, LeaseWork work)
    {
        var store = ctx.Store;
        var p = records.GetParams(store);
        var height = ctx.Block.Height;
        work.Round++;
        work.RoundOpenedHeight = height;
        work.RoundDueHeight = height + p.ReceiptInterval - 1;
        work.ReceiptSubmitted = false;
        work.Spec = work.TenantData is { Source: InputSource.Tenant } data
            ? new WorkloadSpec { Rows = data.Rows, N = p.N, TileWidth = p.TileWidth, Source = InputSource.Tenant, ARoot = data.ARoot, BRoot = data.BRoot }
            : new WorkloadSpec
            {
                Rows = work.SeededRows, N = p.N, TileWidth = p.TileWidth, Source = InputSource.Seeded,
                Seed = Google.Protobuf.ByteString.CopyFrom(WorkDraws.RoundSeed(work.LeaseId, work.Round, ctx.Block.LastBlockHash)),
            };
        records.SetLease(store, work);
        records.Enqueue(store, work.RoundDueHeight + 1, WorkKeys.RoundCheck, work.LeaseId, work.Round);
        ctx.Events.Emit(RoundOpened, ("lease_id", N(work.LeaseId)), ("provider", work.Provider), ("round", N(work.Round)),
            ("source", work.Spec.Source == InputSource.Seeded ? "seeded" : "tenant"), ("seed", Hex(work.Spec.Seed.ToByteArray())),
            ("rows", N(work.Spec.Rows)), ("n", N(work.Spec.N)), ("tile_width", N(work.Spec.TileWidth)), ("due_height", N(work.RoundDueHeight)));
    }

    /// <summary>"vendor/model" of the provider's first GPU attribute ("" when it lists none).</summary>
    private string GpuModel(Chain.State.Store.IStateReader state, string providerText)
    {
        var provider = market.Records.GetProvider(state, Address.FromBech32(providerText));
        foreach (var attribute in provider?.Attributes ?? [])
        {
            if (ProviderAttributes.TryParseGpu(attribute, out var vendor, out var model, out _))
            {
                return $"{vendor}/{model}";
            }
        }

        return string.Empty;
    }
}
