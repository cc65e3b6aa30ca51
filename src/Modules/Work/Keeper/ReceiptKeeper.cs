using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Work.Kernels;
using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Chain.State.Modules;
using Google.Protobuf;
using static Chain.Modules.Work.Events.WorkEvents;

namespace Chain.Modules.Work.Keeper;

/// <summary>
/// Receipts and their challenges. A receipt for the open round of a lease must carry exactly the spec the round
/// fixed, work units 2·rows·n², and a 32-byte output root. A seeded receipt included at height h is challenged from
/// the hash of block h + challenge_delay, or of the first later block whose proposer is not the receipt's provider
/// (so the provider cannot grind the draw as proposer); the provider opens the drawn tiles with their paths before
/// response_deadline blocks pass; every validator recomputes each tile from the seed. A bad path is bad input
/// (refused, nothing changes); a wrong tile or silence is a failure. A tenant-data receipt is checked by its tenant
/// (<see cref="TenantKeeper"/>).
/// </summary>
public sealed class ReceiptKeeper(WorkRecords records, FailureKeeper failures, RewardKeeper rewards, IWorkRewards staking)
{
    /// <summary>Gas for recomputing a seeded tile: one unit per this many regenerated input bytes.</summary>
    public const ulong RecomputeBytesPerGas = 4;

    public ExecResult Submit(MsgContext ctx, byte[] signer, MsgSubmitReceipt msg)
    {
        var store = ctx.Store;
        var (work, error) = ServedLease(store, signer, msg.LeaseId);
        if (work is null)
        {
            return error;
        }

        if (msg.Round != work.Round)
        {
            return WorkErrors.Error(WorkErrors.WrongRound, $"lease {msg.LeaseId} has round {work.Round} open (due by height {work.RoundDueHeight}); the receipt is for round {msg.Round}");
        }

        if (work.ReceiptSubmitted)
        {
            return WorkErrors.Error(WorkErrors.ReceiptExists, $"lease {msg.LeaseId} already has its receipt for round {work.Round}");
        }

        if (!msg.Spec.Equals(work.Spec))
        {
            return WorkErrors.Error(WorkErrors.SpecMismatch, $"the spec does not match lease {msg.LeaseId}'s round {work.Round}: expected {Describe(work.Spec)}, got {Describe(msg.Spec)}");
        }

        var units = WorkloadShape.Of(work.Spec).WorkUnits;
        if (msg.WorkUnits != units)
        {
            return WorkErrors.Error(WorkErrors.WrongWorkUnits, $"work_units is {msg.WorkUnits}; a {work.Spec.Rows} x {work.Spec.N} x {work.Spec.N} product is 2mn^2 = {units}");
        }

        var p = records.GetParams(store);
        var height = ctx.Block.Height;
        var receipt = new Receipt
        {
            LeaseId = msg.LeaseId, Round = msg.Round, Provider = work.Provider, Spec = msg.Spec, OutputRoot = msg.OutputRoot,
            WorkUnits = units, Telemetry = msg.Telemetry, SubmittedHeight = height, ReceiptHash = ByteString.CopyFrom(Hashes.Sha256(msg.ToByteArray())),
        };
        if (work.Spec.Source == InputSource.Seeded)
        {
            receipt.Status = ReceiptStatus.AwaitingChallenge;
            records.Enqueue(store, height + p.ChallengeDelay, WorkKeys.ChallengeBlock, msg.LeaseId, msg.Round);
        }
        else
        {
            receipt.Status = ReceiptStatus.Unchecked;
            receipt.DisputeUntilHeight = height + p.DisputeWindow;
            records.Enqueue(store, receipt.DisputeUntilHeight + 1, WorkKeys.DisputeWindowEnd, msg.LeaseId, msg.Round);
        }

        records.SaveReceipt(store, receipt);
        work.ReceiptSubmitted = true;
        records.SetLease(store, work);
        var provider = records.ProviderOrNew(store, signer);
        provider.Receipts++;
        provider.UnresolvedReceipts++;
        records.SetProvider(store, provider);
        ctx.Events.Emit(ReceiptSubmitted, ("lease_id", N(msg.LeaseId)), ("round", N(msg.Round)), ("provider", work.Provider),
            ("work_units", N(units)), ("output_root", Hex(msg.OutputRoot.ToByteArray())), ("receipt_hash", Hex(receipt.ReceiptHash.ToByteArray())));
        return ExecResult.Ok;
    }

    /// <summary>
    /// BeginBlock of the block whose hash will draw the challenge: if the receipt's provider proposed it, the draw moves
    /// to the next block; otherwise the next block draws from this block's hash.
    /// </summary>
    public void ChallengeBlock(MsgContext ctx, ulong leaseId, ulong round)
    {
        var store = ctx.Store;
        var receipt = records.GetReceipt(store, leaseId, round);
        if (receipt is not { Status: ReceiptStatus.AwaitingChallenge })
        {
            return;
        }

        var height = ctx.Block.Height;
        var proposer = staking.AccountOfConsensusAddress(store, ctx.Block.ProposerAddress);
        if (proposer is not null && Address.ToBech32(proposer) == receipt.Provider)
        {
            records.Enqueue(store, height + 1, WorkKeys.ChallengeBlock, leaseId, round);
            ctx.Events.Emit(ChallengeDeferred, ("lease_id", N(leaseId)), ("round", N(round)), ("provider", receipt.Provider), ("proposed_height", N(height)));
            return;
        }

        records.Enqueue(store, height + 1, WorkKeys.DrawChallenge, leaseId, round);
    }

    /// <summary>
    /// BeginBlock of the block after the challenge block: the tiles come from that block's hash. An entry that waited
    /// in the queue past its height has lost its checked block, so it checks this one instead.
    /// </summary>
    public void DrawChallenge(MsgContext ctx, ulong leaseId, ulong round, bool late)
    {
        if (late)
        {
            ChallengeBlock(ctx, leaseId, round);
            return;
        }

        var store = ctx.Store;
        var receipt = records.GetReceipt(store, leaseId, round);
        if (receipt is not { Status: ReceiptStatus.AwaitingChallenge })
        {
            return;
        }

        var height = ctx.Block.Height;
        var p = records.GetParams(store);
        var shape = WorkloadShape.Of(receipt.Spec);
        var tiles = WorkDraws.ChallengeTiles(receipt.ReceiptHash.Span, ctx.Block.LastBlockHash, (ulong)shape.TileCount, (int)p.Samples);
        receipt.Status = ReceiptStatus.Challenged;
        receipt.ChallengeHeight = height - 1;
        receipt.ChallengedTiles.Clear();
        receipt.ChallengedTiles.AddRange(tiles);
        receipt.ResponseDeadlineHeight = height + p.ResponseDeadline;
        records.SaveReceipt(store, receipt);
        records.Enqueue(store, receipt.ResponseDeadlineHeight + 1, WorkKeys.ResponseDeadline, leaseId, round);
        ctx.Events.Emit(Challenge, ("lease_id", N(leaseId)), ("round", N(round)), ("provider", receipt.Provider),
            ("tiles", string.Join(',', tiles)), ("deadline_height", N(receipt.ResponseDeadlineHeight)));
    }

    /// <summary>The queue entry after a response deadline: silence is a failure.</summary>
    public void Deadline(MsgContext ctx, ulong leaseId, ulong round)
    {
        var receipt = records.GetReceipt(ctx.Store, leaseId, round);
        if (receipt is not null && WorkRecords.AwaitsAnswer(receipt) && receipt.ResponseDeadlineHeight < ctx.Block.Height)
        {
            failures.Fail(ctx, receipt, FailureKeeper.NoResponse);
        }
    }

    /// <summary>MsgChallengeResponse: the drawn (or tenant-requested) tiles, in order, with paths to the output root.</summary>
    public ExecResult Respond(MsgContext ctx, byte[] signer, MsgChallengeResponse msg)
    {
        var store = ctx.Store;
        var receipt = records.GetReceipt(store, msg.LeaseId, msg.Round);
        if (receipt is null)
        {
            return WorkErrors.Error(WorkErrors.UnknownReceipt, $"lease {msg.LeaseId} has no receipt for round {msg.Round}");
        }

        if (receipt.Provider != Address.ToBech32(signer))
        {
            return WorkErrors.Error(WorkErrors.NotLeaseProvider, $"only the receipt's provider {receipt.Provider} can answer for it");
        }

        if (!WorkRecords.AwaitsAnswer(receipt))
        {
            return WorkErrors.Error(WorkErrors.NotAwaitingResponse, $"the receipt of lease {msg.LeaseId} round {msg.Round} is {receipt.Status}, not waiting for tiles");
        }

        if (ctx.Block.Height > receipt.ResponseDeadlineHeight)
        {
            return WorkErrors.Error(WorkErrors.DeadlinePassed, $"the response was due by height {receipt.ResponseDeadlineHeight}; this is height {ctx.Block.Height}");
        }

        var shape = WorkloadShape.Of(receipt.Spec);
        var checkPaths = CheckOpenings(receipt, msg.Tiles, shape);
        if (!checkPaths.IsOk)
        {
            return checkPaths;
        }

        if (receipt.Spec.Source == InputSource.Tenant)
        {
            var p = records.GetParams(store);
            receipt.OpenedTiles.Clear();
            receipt.OpenedTiles.AddRange(msg.Tiles);
            receipt.Status = ReceiptStatus.Opened;
            receipt.DisputeUntilHeight = ctx.Block.Height + p.DisputeWindow;
            records.SaveReceipt(store, receipt);
            records.Enqueue(store, receipt.DisputeUntilHeight + 1, WorkKeys.DisputeWindowEnd, msg.LeaseId, msg.Round);
            ctx.Events.Emit(TilesOpened, ("lease_id", N(msg.LeaseId)), ("round", N(msg.Round)), ("provider", receipt.Provider), ("dispute_until_height", N(receipt.DisputeUntilHeight)));
            return ExecResult.Ok;
        }

        // Every validator regenerates (k + 1) n input bytes per tile: the sender pays for it.
        foreach (var tile in msg.Tiles)
        {
            ctx.Gas.Consume((ulong)(shape.WidthOf((int)(tile.Index % (ulong)shape.TilesPerRow)) + 1) * (ulong)shape.N / RecomputeBytesPerGas, "work: recompute tile");
        }

        using var inputs = new SeededMatrices(receipt.Spec.Seed.Span, shape.N);
        foreach (var tile in msg.Tiles)
        {
            var expected = TileKernel.LeafBytes(TileKernel.SeededTile(inputs, shape, (long)(tile.Index / (ulong)shape.TilesPerRow), (int)(tile.Index % (ulong)shape.TilesPerRow)));
            if (!tile.Values.Span.SequenceEqual(expected))
            {
                failures.Fail(ctx, receipt, FailureKeeper.WrongTile);
                return ExecResult.Ok;
            }
        }

        var provider = records.Resolve(store, receipt, ReceiptStatus.Verified, ctx.Block.Height);
        provider.VerifiedReceipts++;
        provider.VerifiedWorkUnits += receipt.WorkUnits;
        records.SetProvider(store, provider);
        rewards.Verified(store, receipt);
        ctx.Events.Emit(Verified, ("lease_id", N(msg.LeaseId)), ("round", N(msg.Round)), ("provider", receipt.Provider), ("work_units", N(receipt.WorkUnits)));
        return ExecResult.Ok;
    }

    /// <summary>The tiles must be the drawn ones in order, each with its width's bytes and a path to the output root.</summary>
    private static ExecResult CheckOpenings(Receipt receipt, IReadOnlyList<Tile> tiles, WorkloadShape shape)
    {
        if (tiles.Count != receipt.ChallengedTiles.Count)
        {
            return WorkErrors.Error(WorkErrors.WrongTiles, $"{tiles.Count} tiles opened; the challenge drew {receipt.ChallengedTiles.Count}");
        }

        var root = receipt.OutputRoot.Span;
        for (var j = 0; j < tiles.Count; j++)
        {
            var tile = tiles[j];
            if (tile.Index != receipt.ChallengedTiles[j])
            {
                return WorkErrors.Error(WorkErrors.WrongTiles, $"tiles[{j}] is tile {tile.Index}; the challenge drew tile {receipt.ChallengedTiles[j]} there");
            }

            var width = shape.WidthOf((int)(tile.Index % (ulong)shape.TilesPerRow));
            if (tile.Values.Length != width * 4)
            {
                return WorkErrors.Error(WorkErrors.BadPath, $"tiles[{j}] has {tile.Values.Length} value bytes; tile {tile.Index} has {width} int32 values ({width * 4} bytes)");
            }

            var path = tile.Path.Select(h => h.ToByteArray()).ToList();
            if (!MerkleTree.Verify(MerkleTree.LeafHash(tile.Values.Span), (long)tile.Index, shape.TileCount, path, root))
            {
                return WorkErrors.Error(WorkErrors.BadPath, $"tiles[{j}] (tile {tile.Index}): its path does not lead to the receipt's output root");
            }
        }

        return ExecResult.Ok;
    }

    /// <summary>The lease exists, the signer is its provider and it is active.</summary>
    internal (LeaseWork? Work, ExecResult Error) ServedLease(Chain.State.Store.IStateReader state, byte[] signer, ulong leaseId)
    {
        var work = records.GetLease(state, leaseId);
        if (work is null)
        {
            return (null, WorkErrors.Error(WorkErrors.UnknownLease, $"lease {leaseId} does not exist or has not opened a round yet"));
        }

        if (work.Provider != Address.ToBech32(signer))
        {
            return (null, WorkErrors.Error(WorkErrors.NotLeaseProvider, $"{Address.ToBech32(signer)} does not serve lease {leaseId}; its provider is {work.Provider}"));
        }

        if (!work.Active)
        {
            return (null, WorkErrors.Error(WorkErrors.LeaseNotActive, $"lease {leaseId} is closed; receipts are taken only for active leases"));
        }

        if (work.Round == 0)
        {
            return (null, WorkErrors.Error(WorkErrors.WrongRound, $"lease {leaseId} opens its first round at the next block"));
        }

        return (work, ExecResult.Ok);
    }

    private static string Describe(WorkloadSpec? s) => s is null
        ? "none"
        : $"{s.Rows} x {s.N} (tiles of {s.TileWidth}), {s.Source}" + (s.Source == InputSource.Seeded ? $", seed {Hex(s.Seed.ToByteArray())}" : $", roots {Hex(s.ARoot.ToByteArray())}/{Hex(s.BRoot.ToByteArray())}");
}
