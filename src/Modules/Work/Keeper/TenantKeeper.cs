using Chain.Crypto;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;
using Chain.State.Modules;
using static Chain.Modules.Work.Events.WorkEvents;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// Tenant data: the validators do not have the tenant's matrices, so the tenant is the checker. It commits roots
/// over the rows of A and the columns of B (MsgSetTenantData, used from the next round on); after a receipt it may
/// ask for tiles (MsgRequestTiles) within dispute_window; the provider must open them on chain before
/// response_deadline (silence fails); within dispute_window of the opening the tenant may prove a tile wrong
/// (MsgDisputeTile) with the row of A and the tile's columns of B and their paths against the committed roots; the
/// chain recomputes the tile. Data that does not match the roots is refused; so is a dispute of a correct tile.
/// </summary>
public sealed class TenantKeeper(WorkRecords records, FailureKeeper failures)
{
    public ExecResult SetTenantData(MsgContext ctx, byte[] tenant, MsgSetTenantData msg)
    {
        var store = ctx.Store;
        var work = records.GetLease(store, msg.LeaseId);
        if (work is null)
        {
            return WorkErrors.Error(WorkErrors.UnknownLease, $"lease {msg.LeaseId} does not exist");
        }

        if (work.Tenant != Address.ToBech32(tenant))
        {
            return WorkErrors.Error(WorkErrors.NotTenant, $"only the tenant {work.Tenant} of lease {msg.LeaseId} can set its data");
        }

        if (!work.Active)
        {
            return WorkErrors.Error(WorkErrors.LeaseNotActive, $"lease {msg.LeaseId} is closed");
        }

        if (msg.Rows > work.SeededRows)
        {
            return WorkErrors.Error(WorkErrors.InvalidWorkload, $"rows is {msg.Rows}; lease {msg.LeaseId}'s GPUs are sized for at most {work.SeededRows} rows a round");
        }

        work.TenantData = new WorkloadSpec { Source = InputSource.Tenant, Rows = msg.Rows, ARoot = msg.ARoot, BRoot = msg.BRoot };
        records.SetLease(store, work);
        ctx.Events.Emit(TenantData, ("lease_id", N(msg.LeaseId)), ("tenant", work.Tenant), ("rows", N(msg.Rows)),
            ("a_root", Hex(msg.ARoot.ToByteArray())), ("b_root", Hex(msg.BRoot.ToByteArray())), ("from_round", N(work.Round + 1)));
        return ExecResult.Ok;
    }

    public ExecResult RequestTiles(MsgContext ctx, byte[] tenant, MsgRequestTiles msg)
    {
        var store = ctx.Store;
        var (receipt, error) = TenantReceipt(store, tenant, msg.LeaseId, msg.Round);
        if (receipt is null)
        {
            return error;
        }

        if (receipt.Status != ReceiptStatus.Unchecked)
        {
            return WorkErrors.Error(WorkErrors.NotAwaitingResponse, $"the receipt of lease {msg.LeaseId} round {msg.Round} is {receipt.Status}; tiles can be requested once, while it is unchecked");
        }

        if (ctx.Block.Height > receipt.DisputeUntilHeight)
        {
            return WorkErrors.Error(WorkErrors.DisputeWindowClosed, $"tiles of this receipt could be requested until height {receipt.DisputeUntilHeight}");
        }

        var p = records.GetParams(store);
        var shape = WorkloadShape.Of(receipt.Spec);
        if (msg.Tiles.Count == 0 || msg.Tiles.Count > p.Samples)
        {
            return WorkErrors.Error(WorkErrors.InvalidTiles, $"{msg.Tiles.Count} tiles requested; ask for 1 to {p.Samples} (samples)");
        }

        foreach (var t in msg.Tiles)
        {
            if (t >= (ulong)shape.TileCount)
            {
                return WorkErrors.Error(WorkErrors.InvalidTiles, $"tile {t} does not exist; the receipt has {shape.TileCount} tiles");
            }
        }

        receipt.Status = ReceiptStatus.TilesRequested;
        receipt.ChallengedTiles.Clear();
        receipt.ChallengedTiles.AddRange(msg.Tiles);
        receipt.ResponseDeadlineHeight = ctx.Block.Height + p.ResponseDeadline;
        records.SaveReceipt(store, receipt);
        records.Enqueue(store, receipt.ResponseDeadlineHeight + 1, WorkKeys.ResponseDeadline, msg.LeaseId, msg.Round);
        ctx.Events.Emit(TilesRequested, ("lease_id", N(msg.LeaseId)), ("round", N(msg.Round)), ("provider", receipt.Provider),
            ("tiles", string.Join(',', msg.Tiles)), ("deadline_height", N(receipt.ResponseDeadlineHeight)));
        return ExecResult.Ok;
    }

    public ExecResult Dispute(MsgContext ctx, byte[] tenant, MsgDisputeTile msg)
    {
        var store = ctx.Store;
        var (receipt, error) = TenantReceipt(store, tenant, msg.LeaseId, msg.Round);
        if (receipt is null)
        {
            return error;
        }

        if (receipt.Status != ReceiptStatus.Opened)
        {
            return WorkErrors.Error(WorkErrors.NotAwaitingResponse, $"the receipt of lease {msg.LeaseId} round {msg.Round} is {receipt.Status}; only opened tiles can be disputed");
        }

        if (ctx.Block.Height > receipt.DisputeUntilHeight)
        {
            return WorkErrors.Error(WorkErrors.DisputeWindowClosed, $"the opened tiles could be disputed until height {receipt.DisputeUntilHeight}");
        }

        var opened = receipt.OpenedTiles.FirstOrDefault(t => t.Index == msg.Tile);
        if (opened is null)
        {
            return WorkErrors.Error(WorkErrors.InvalidTiles, $"tile {msg.Tile} was not opened; the opened tiles are {string.Join(',', receipt.OpenedTiles.Select(t => t.Index))}");
        }

        var shape = WorkloadShape.Of(receipt.Spec);
        var i = (long)(msg.Tile / (ulong)shape.TilesPerRow);
        var tileInRow = (int)(msg.Tile % (ulong)shape.TilesPerRow);
        var width = shape.WidthOf(tileInRow);
        var n = shape.N;
        if (msg.Row.Length != n || msg.Columns.Length != width * n || msg.ColumnPaths.Count != width)
        {
            return WorkErrors.Error(WorkErrors.DataMismatch, $"a dispute of tile {msg.Tile} carries a row of {n} bytes and {width} columns of {n} bytes with {width} paths; got {msg.Row.Length}, {msg.Columns.Length} and {msg.ColumnPaths.Count}");
        }

        if (!MerkleTree.Verify(MerkleTree.LeafHash(msg.Row.Span), i, shape.Rows, msg.RowPath.Select(h => h.ToByteArray()).ToList(), receipt.Spec.ARoot.Span))
        {
            return WorkErrors.Error(WorkErrors.DataMismatch, $"row {i} and its path do not match the committed root of A");
        }

        var columns = new sbyte[width][];
        for (var c = 0; c < width; c++)
        {
            var bytes = msg.Columns.Span.Slice(c * n, n);
            var j = ((long)tileInRow * shape.TileWidth) + c;
            if (!MerkleTree.Verify(MerkleTree.LeafHash(bytes), j, n, msg.ColumnPaths[c].Hashes.Select(h => h.ToByteArray()).ToList(), receipt.Spec.BRoot.Span))
            {
                return WorkErrors.Error(WorkErrors.DataMismatch, $"column {j} and its path do not match the committed root of B");
            }

            columns[c] = (sbyte[])(Array)bytes.ToArray();
        }

        var row = (sbyte[])(Array)msg.Row.ToByteArray();
        var truth = TileKernel.LeafBytes(TileKernel.Tile(row, columns));
        if (opened.Values.Span.SequenceEqual(truth))
        {
            return WorkErrors.Error(WorkErrors.TileCorrect, $"tile {msg.Tile} as opened is the product of this data; nothing to dispute");
        }

        ctx.Events.Emit(DisputeUpheld, ("lease_id", N(msg.LeaseId)), ("round", N(msg.Round)), ("provider", receipt.Provider), ("tile", N(msg.Tile)));
        failures.Fail(ctx, receipt, FailureKeeper.Dispute);
        return ExecResult.Ok;
    }

    /// <summary>The queue entry after a dispute window: an unchallenged or undisputed tenant-data receipt is accepted.</summary>
    public void WindowEnd(MsgContext ctx, ulong leaseId, ulong round)
    {
        var store = ctx.Store;
        var receipt = records.GetReceipt(store, leaseId, round);
        if (receipt is not { Status: ReceiptStatus.Unchecked or ReceiptStatus.Opened } || receipt.DisputeUntilHeight >= ctx.Block.Height)
        {
            return;
        }

        var before = receipt.Status;
        records.SetProvider(store, records.Resolve(store, receipt, ReceiptStatus.Verified, ctx.Block.Height));
        ctx.Events.Emit(ReceiptAccepted, ("lease_id", N(leaseId)), ("round", N(round)), ("provider", receipt.Provider), ("was", before == ReceiptStatus.Opened ? "opened" : "unchecked"));
    }

    private (Receipt? Receipt, ExecResult Error) TenantReceipt(Chain.State.Store.IStateReader state, byte[] tenant, ulong leaseId, ulong round)
    {
        var work = records.GetLease(state, leaseId);
        var receipt = records.GetReceipt(state, leaseId, round);
        if (work is null || receipt is null)
        {
            return (null, WorkErrors.Error(WorkErrors.UnknownReceipt, $"lease {leaseId} has no receipt for round {round}"));
        }

        if (work.Tenant != Address.ToBech32(tenant))
        {
            return (null, WorkErrors.Error(WorkErrors.NotTenant, $"only the tenant {work.Tenant} of lease {leaseId} can check its receipts"));
        }

        if (receipt.Spec.Source != InputSource.Tenant)
        {
            return (null, WorkErrors.Error(WorkErrors.NotTenantData, $"the receipt of lease {leaseId} round {round} is seeded; the chain checks it itself"));
        }

        return (receipt, ExecResult.Ok);
    }
}
