using Chain.Modules.Work.Kernels;
using Chain.Crypto;
using Chain.Modules.Work.Invariants;
using Chain.Modules.Work.Keeper;
using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;

namespace Chain.Modules.Work.Genesis;

/// <summary>
/// The work module's genesis section: params, providers' bonds and records, leases' rounds, receipts and the reward
/// pool. Import checks each record, writes it, and rebuilds the queue from the heights the records name; export makes
/// those heights relative to the export height (the new chain's height h is this chain's height + h), as the market does.
/// </summary>
public static class WorkGenesis
{
    public static GenesisState Default() => new() { Params = WorkParams.Default(), Rewards = new RewardPool() };

    public static ExecResult Import(WorkKeeper keeper, IStateStore store, GenesisState genesis)
    {
        var records = keeper.Records;
        var p = WorkParams.Validate(genesis.Params, "work.params");
        if (!p.IsOk)
        {
            return p;
        }

        records.SetParams(store, genesis.Params);
        var pool = genesis.Rewards ?? new RewardPool();
        if ((UInt128)pool.Paid + pool.Unpaid != pool.MintedSeen || pool.PendingUnits != 0)
        {
            return Bad($"work.rewards: paid {pool.Paid} + unpaid {pool.Unpaid} must equal minted_seen {pool.MintedSeen}, and pending_units must be 0");
        }

        records.SetPool(store, pool);
        var seen = new HashSet<string>();
        for (var i = 0; i < genesis.Providers.Count; i++)
        {
            var provider = genesis.Providers[i];
            if (!Address.TryFromBech32(provider.Provider, out _, out var error) || !seen.Add(provider.Provider))
            {
                return Bad($"work.providers[{i}].provider: {error ?? "listed twice"}");
            }

            records.SetProvider(store, provider);
        }

        foreach (var lease in genesis.Leases)
        {
            var spec = lease.Round == 0 ? ExecResult.Ok : CheckSpec(lease.Spec, $"work.leases (lease {lease.LeaseId}).spec");
            if (!spec.IsOk)
            {
                return spec;
            }

            records.SetLease(store, lease);
            if (lease.Active)
            {
                records.Enqueue(store, lease.Round == 0 ? 1 : lease.RoundDueHeight + 1, WorkKeys.RoundCheck, lease.LeaseId, lease.Round);
            }
        }

        foreach (var r in genesis.Receipts)
        {
            if (records.GetLease(store, r.LeaseId) is null)
            {
                return Bad($"work.receipts: the receipt of lease {r.LeaseId} round {r.Round} has no lease record");
            }

            var spec = CheckSpec(r.Spec, $"work.receipts (lease {r.LeaseId} round {r.Round}).spec");
            if (!spec.IsOk)
            {
                return spec;
            }

            var tiles = (ulong)WorkloadShape.Of(r.Spec!).TileCount;
            if (r.ChallengedTiles.Any(t => t >= tiles) || r.ChallengedTiles.Count > WorkParams.MaxSamples || r.OutputRoot.Length != 32)
            {
                return Bad($"work.receipts (lease {r.LeaseId} round {r.Round}): a 32-byte output root and at most {WorkParams.MaxSamples} challenged tiles below {tiles}");
            }

            records.SaveReceipt(store, r);
            switch (r.Status)
            {
                case ReceiptStatus.AwaitingChallenge:
                    records.Enqueue(store, Math.Max(1, r.SubmittedHeight + genesis.Params.ChallengeDelay), WorkKeys.ChallengeBlock, r.LeaseId, r.Round);
                    break;
                case ReceiptStatus.Challenged or ReceiptStatus.TilesRequested:
                    records.Enqueue(store, r.ResponseDeadlineHeight + 1, WorkKeys.ResponseDeadline, r.LeaseId, r.Round);
                    break;
                case ReceiptStatus.Unchecked or ReceiptStatus.Opened:
                    records.Enqueue(store, r.DisputeUntilHeight + 1, WorkKeys.DisputeWindowEnd, r.LeaseId, r.Round);
                    break;
            }
        }

        return ExecResult.Ok;
    }

    /// <summary>After every module's import: the bond account and the rewards account hold what the records say (the bank imported first).</summary>
    public static ExecResult CheckAccounts(WorkKeeper keeper, IStateReader state)
    {
        var broken = WorkInvariants.Check(keeper, state);
        return broken.Count == 0 ? ExecResult.Ok : Bad(string.Join("; ", broken));
    }

    public static GenesisState Export(WorkKeeper keeper, IStateReader state, ulong height)
    {
        var records = keeper.Records;
        ulong Rel(ulong h) => h > height ? h - height : 0;
        var genesis = new GenesisState { Params = records.GetParams(state), Rewards = records.GetPool(state) };
        genesis.Providers.AddRange(records.AllProviders(state));
        foreach (var lease in records.AllLeases(state))
        {
            lease.RoundOpenedHeight = Rel(lease.RoundOpenedHeight);
            lease.RoundDueHeight = Rel(lease.RoundDueHeight);
            genesis.Leases.Add(lease);
        }

        foreach (var r in records.AllReceipts(state))
        {
            r.SubmittedHeight = Rel(r.SubmittedHeight);
            r.ChallengeHeight = Rel(r.ChallengeHeight);
            r.ResponseDeadlineHeight = Rel(r.ResponseDeadlineHeight);
            r.DisputeUntilHeight = Rel(r.DisputeUntilHeight);
            genesis.Receipts.Add(r);
        }

        return genesis;
    }

    /// <summary>A spec the chain can check: a valid shape, a 32-byte seed or two 32-byte roots.</summary>
    private static ExecResult CheckSpec(WorkloadSpec? spec, string path)
    {
        if (spec is null || spec.Rows == 0 || spec.Rows > WorkParams.MaxRows || spec.N == 0 || spec.N > WorkParams.MaxN || spec.N % 16 != 0
            || spec.TileWidth == 0 || spec.TileWidth > Math.Min(spec.N, 256u))
        {
            return Bad($"{path}: rows 1 to {WorkParams.MaxRows}, n a multiple of 16 up to {WorkParams.MaxN}, tile width 1 to min(n, 256)");
        }

        var inputs = spec.Source switch
        {
            InputSource.Seeded => spec.Seed.Length == 32,
            InputSource.Tenant => spec.ARoot.Length == 32 && spec.BRoot.Length == 32,
            _ => false,
        };
        return inputs ? ExecResult.Ok : Bad($"{path}: a seeded spec has a 32-byte seed, a tenant-data spec two 32-byte roots");
    }

    private static ExecResult Bad(string log) => WorkErrors.Error(WorkErrors.InvalidGenesis, log);
}
