using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;
using Grpc.Core;
using WorkQuery = Chain.Proto.Work.Query;

namespace Chain.Agents.Tenant;

/// <summary>
/// The tenant-data part of a step: every active lease is set to compute on the tenant's matrices; of every
/// tenant-data receipt still in its dispute window, random tiles are asked for while it is unchecked, and the opened
/// tiles are recomputed from the tenant's files; a wrong one is disputed. Everything is read from the chain each time.
/// </summary>
internal sealed class TenantDataChecks(TenantDataFiles files, AgentChain chain, AgentLog log, OnceLog once, TenantMetrics metrics, TenantTxSender sender)
{
    private readonly HashSet<(ulong Lease, ulong Round)> _checked = new();
    private TenantMatrices? _matrices;

    public async Task StepAsync(TenantView view, CancellationToken ct)
    {
        var work = new WorkQuery.QueryClient(chain.Channel);
        var p = (await work.ParamsAsync(new QueryParamsRequest(), AgentChain.Options(ct))).Params;
        var matrices = Matrices((int)p.N);
        if (matrices is null)
        {
            return;
        }

        var tiles = (int)Math.Min(files.RequestTiles, p.Samples);
        if (tiles < files.RequestTiles)
        {
            once.Warn("request_tiles", $"request_tiles is {files.RequestTiles} but the chain takes at most {p.Samples} (samples): asking for {tiles}");
        }

        // A receipt can be acted on for a dispute window after it is submitted, then a response deadline, then another
        // dispute window after the opening: look back that far, and a round more.
        var lookback = (2 * p.DisputeWindow) + p.ResponseDeadline + p.ReceiptInterval;
        var rounds = (lookback / Math.Max(1, p.ReceiptInterval)) + 1;
        foreach (var lease in view.Leases)
        {
            var active = lease.State == Chain.Proto.Market.LeaseState.Active;
            if (!active && lease.ClosedHeight + lookback < view.Height)
            {
                continue;
            }

            LeaseWork leaseWork;
            try
            {
                leaseWork = (await work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = lease.Id }, AgentChain.Options(ct))).Lease;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                continue;
            }

            if (active && leaseWork.Active)
            {
                await SetDataAsync(matrices, leaseWork, view.Height, ct);
            }

            var first = leaseWork.Round > rounds ? leaseWork.Round - rounds : 1;
            for (var round = first; round <= leaseWork.Round; round++)
            {
                Receipt receipt;
                try
                {
                    receipt = (await work.ReceiptAsync(new QueryReceiptRequest { LeaseId = lease.Id, Round = round }, AgentChain.Options(ct))).Receipt;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    continue;
                }

                await CheckAsync(matrices, receipt, tiles, view.Height, ct);
            }
        }
    }

    private TenantMatrices? Matrices(int n)
    {
        if (_matrices?.N == n)
        {
            return _matrices;
        }

        try
        {
            _matrices = TenantMatrices.Load(files, n);
            once.Clear("tenant_data");
            log.Info($"tenant data: A {files.A} ({_matrices.Rows} x {n}), B {files.B} ({n} x {n}); roots {Convert.ToHexStringLower(_matrices.ARoot)}, {Convert.ToHexStringLower(_matrices.BRoot)}");
            return _matrices;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            once.Warn("tenant_data", $"tenant data not used: {e.Message}");
            return null;
        }
    }

    private async Task SetDataAsync(TenantMatrices matrices, LeaseWork leaseWork, ulong height, CancellationToken ct)
    {
        if (matrices.IsCommittedBy(leaseWork.TenantData))
        {
            return;
        }

        var topic = $"tenant_data lease {leaseWork.LeaseId}";
        if (matrices.Rows > leaseWork.SeededRows)
        {
            once.Warn(topic, $"lease {leaseWork.LeaseId}: A has {matrices.Rows} rows but the lease's GPUs are sized for at most {leaseWork.SeededRows} a round: its data is not set (use a smaller A)");
            return;
        }

        once.Clear(topic);
        await sender.SendAsync($"lease {leaseWork.LeaseId}: set tenant data", matrices.SetMessage(chain.Address, leaseWork.LeaseId), height, ct,
            $" ({matrices.Rows} rows; the rounds that open from now on compute on it)");
    }

    private async Task CheckAsync(TenantMatrices matrices, Receipt receipt, int tiles, ulong height, CancellationToken ct)
    {
        if (receipt.Spec?.Source != InputSource.Tenant || height > receipt.DisputeUntilHeight
            || receipt.Status is not (ReceiptStatus.Unchecked or ReceiptStatus.Opened) || _checked.Contains((receipt.LeaseId, receipt.Round)))
        {
            return;
        }

        var name = $"lease {receipt.LeaseId} round {receipt.Round}";
        if (!matrices.IsCommittedBy(receipt.Spec))
        {
            once.Warn("receipt " + name, $"{name}: the receipt is of tenant data other than the configured files (roots {Convert.ToHexStringLower(receipt.Spec.ARoot.Span)}, {Convert.ToHexStringLower(receipt.Spec.BRoot.Span)}): not checked");
            return;
        }

        if (receipt.Status == ReceiptStatus.Unchecked)
        {
            var request = new MsgRequestTiles { Tenant = chain.Address, LeaseId = receipt.LeaseId, Round = receipt.Round };
            request.Tiles.AddRange(TenantMatrices.RandomTiles(WorkloadShape.Of(receipt.Spec).TileCount, tiles));
            if (await sender.SendAsync($"{name}: request tiles", request, height, ct, $" {string.Join(',', request.Tiles)}"))
            {
                metrics.TilesRequested.Inc(request.Tiles.Count);
            }

            return;
        }

        IReadOnlyList<ulong> wrong;
        try
        {
            wrong = matrices.WrongTiles(receipt);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            once.Warn("receipt " + name, $"{name}: the opened tiles cannot be checked: {e.Message}");
            return;
        }

        if (wrong.Count == 0)
        {
            _checked.Add((receipt.LeaseId, receipt.Round));
            log.Info($"{name}: the {receipt.OpenedTiles.Count} opened tiles ({string.Join(',', receipt.OpenedTiles.Select(t => t.Index))}) are the product of the tenant's data");
            return;
        }

        var tile = wrong[0];
        var action = $"{name}: dispute tile {tile}";
        if (sender.Waiting(action, height))
        {
            return;
        }

        log.Warn($"{name}: opened tiles {string.Join(',', wrong)} of provider {receipt.Provider} are not the product of the tenant's data; disputing tile {tile}");
        metrics.DisputesSent.Inc();
        if (await sender.SendAsync(action, matrices.Dispute(chain.Address, receipt, tile), height, ct))
        {
            metrics.DisputesUpheld.Inc();
            log.Warn($"{name}: dispute upheld: provider {receipt.Provider} was slashed and the lease closes (failed_work)");
        }
    }
}
