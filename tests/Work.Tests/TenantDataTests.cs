using Chain.Crypto;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Market;
using Chain.Proto.Work;
using Google.Protobuf;
using static Chain.Modules.Work.Tests.WorkChain;

namespace Chain.Modules.Work.Tests;

/// <summary>TenantKey data: the tenant commits its matrices, asks for tiles, and disputes a wrong one with the inputs.</summary>
public sealed class TenantDataTests
{
    private const int Rows = 8;
    private const int N = 32;
    private const int K = 8;

    /// <summary>The tenant's A (rows x n) and B (columns of n), random from a fixed seed, and their roots.</summary>
    private sealed class TenantData
    {
        public TenantData(int seed)
        {
            var random = new Random(seed);
            A = Enumerable.Range(0, Rows).Select(_ => Bytes(random, N)).ToArray();
            B = Enumerable.Range(0, N).Select(_ => Bytes(random, N)).ToArray();
            ARoot = MerkleTree.Root(A);
            BRoot = MerkleTree.Root(B);
        }

        public byte[][] A { get; }

        public byte[][] B { get; }

        public byte[] ARoot { get; }

        public byte[] BRoot { get; }

        public byte[] TileBytes(long t)
        {
            var i = (int)(t / (N / K));
            var j = (int)(t % (N / K)) * K;
            var columns = Enumerable.Range(j, K).Select(c => (sbyte[])(Array)B[c]).ToList();
            return TileKernel.LeafBytes(TileKernel.Tile((sbyte[])(Array)A[i], columns));
        }

        private static byte[] Bytes(Random r, int n)
        {
            var b = new byte[n];
            r.NextBytes(b);
            return b;
        }
    }

    /// <summary>A lease switched to tenant data, with a receipt for it whose tile <paramref name="wrongTile"/> (if any) is faked, and the requested tiles opened.</summary>
    private static (WorkChain Chain, ulong Lease, TenantData Data) Opened(long wrongTile, ulong[] requested)
    {
        var chain = new WorkChain(configure: p => p.DisputeWindow = 30);
        var lease = chain.OpenLease();
        var data = new TenantData(7);
        chain.Ok(TenantKey, new MsgSetTenantData { Tenant = chain.A(TenantKey), LeaseId = lease, Rows = Rows, ARoot = ByteString.CopyFrom(data.ARoot), BRoot = ByteString.CopyFrom(data.BRoot) });

        // Round 1 is seeded (opened before the data was set): the honest receipt and its challenge.
        var (seeded, seededLeaves) = chain.HonestReceipt(lease);
        chain.Ok(ProviderKey, seeded);
        chain.CommitUntil(chain.Height + chain.Params.ChallengeDelay + 1);
        chain.Ok(ProviderKey, chain.Response(chain.Receipt(lease, 1)!, seededLeaves));
        chain.CommitUntil(chain.LeaseWork(lease)!.RoundDueHeight + 1);

        var work = chain.LeaseWork(lease)!;
        Assert.Equal(InputSource.Tenant, work.Spec.Source);
        var tiles = Rows * (N / K);
        var values = Enumerable.Range(0, tiles).Select(t => t == wrongTile ? ReceiptTests.Flip(data.TileBytes(t)) : data.TileBytes(t)).ToList();
        var leaves = values.Select(v => MerkleTree.LeafHash(v)).ToList();
        chain.Ok(ProviderKey, new MsgSubmitReceipt
        {
            Provider = chain.A(ProviderKey), LeaseId = lease, Round = 2, Spec = work.Spec, OutputRoot = ByteString.CopyFrom(MerkleTree.RootOfLeafHashes(leaves)),
            WorkUnits = 2UL * Rows * N * N,
        });
        Assert.Equal(ReceiptStatus.Unchecked, chain.Receipt(lease, 2)!.Status);
        chain.Ok(TenantKey, new MsgRequestTiles { Tenant = chain.A(TenantKey), LeaseId = lease, Round = 2, Tiles = { requested } });
        var response = new MsgChallengeResponse { Provider = chain.A(ProviderKey), LeaseId = lease, Round = 2 };
        foreach (var t in requested)
        {
            var tile = new Tile { Index = t, Values = ByteString.CopyFrom(values[(int)t]) };
            tile.Path.AddRange(MerkleTree.Proof(leaves, (int)t).Select(ByteString.CopyFrom));
            response.Tiles.Add(tile);
        }

        chain.Ok(ProviderKey, response);
        Assert.Equal(ReceiptStatus.Opened, chain.Receipt(lease, 2)!.Status);
        return (chain, lease, data);
    }

    private static MsgDisputeTile Dispute(WorkChain chain, ulong lease, TenantData data, long t, Func<byte[][], byte[][]>? forgeB = null)
    {
        var i = (int)(t / (N / K));
        var j = (int)(t % (N / K)) * K;
        var b = forgeB?.Invoke(data.B) ?? data.B;
        var msg = new MsgDisputeTile { Tenant = chain.A(TenantKey), LeaseId = lease, Round = 2, Tile = (ulong)t, Row = ByteString.CopyFrom(data.A[i]) };
        msg.RowPath.AddRange(MerkleTree.Proof(data.A.Select(a => MerkleTree.LeafHash(a)).ToList(), i).Select(ByteString.CopyFrom));
        var bLeaves = data.B.Select(b => MerkleTree.LeafHash(b)).ToList();
        msg.Columns = ByteString.CopyFrom(Enumerable.Range(j, K).SelectMany(c => b[c]).ToArray());
        for (var c = j; c < j + K; c++)
        {
            msg.ColumnPaths.Add(new MsgDisputeTile.Types.Path { Hashes = { MerkleTree.Proof(bLeaves, c).Select(ByteString.CopyFrom) } });
        }

        return msg;
    }

    [Fact]
    public void A_dispute_with_the_true_inputs_slashes_the_provider()
    {
        var (chain, lease, data) = Opened(wrongTile: 5, requested: [5, 9]);
        using var _ = chain;
        var before = chain.Balance(TenantKey);
        chain.Ok(TenantKey, Dispute(chain, lease, data, 5));
        var receipt = chain.Receipt(lease, 2)!;
        Assert.Equal(ReceiptStatus.Failed, receipt.Status);
        Assert.Equal("dispute", receipt.Failure);
        Assert.Equal(LeaseCloseReason.FailedWork, chain.Lease(lease)!.CloseReason);
        Assert.Equal(1UL, chain.ProviderWork(ProviderKey)!.Failures);
        Assert.True(chain.Balance(TenantKey) + Fee - before >= chain.Params.BondPerLease / 4);
    }

    [Fact]
    public void Forged_inputs_and_disputes_of_correct_tiles_are_refused()
    {
        var (chain, lease, data) = Opened(wrongTile: 5, requested: [5, 9]);
        using var _ = chain;

        // Columns that are not the committed B (the tenant "proves" a correct tile wrong with other data).
        var forged = Dispute(chain, lease, data, 9, b => b.Select(c => ReceiptTests.Flip(c)).ToArray());
        chain.Refused(TenantKey, WorkErrors.DataMismatch, forged);
        var row = Dispute(chain, lease, data, 9);
        row.Row = ByteString.CopyFrom(ReceiptTests.Flip(data.A[2]));
        chain.Refused(TenantKey, WorkErrors.DataMismatch, row);
        var shortColumns = Dispute(chain, lease, data, 9);
        shortColumns.Columns = ByteString.CopyFrom(shortColumns.Columns.Span[..N]);
        chain.Refused(TenantKey, WorkErrors.DataMismatch, shortColumns);

        // The true inputs of a correct tile: nothing to dispute.
        chain.Refused(TenantKey, WorkErrors.TileCorrect, Dispute(chain, lease, data, 9));
        // A tile that was not opened, a stranger, and a seeded receipt.
        chain.Refused(TenantKey, WorkErrors.InvalidTiles, Dispute(chain, lease, data, 10));
        var stranger = Dispute(chain, lease, data, 5);
        stranger.Tenant = chain.A(3);
        chain.Refused(3, WorkErrors.NotTenant, stranger);
        var seeded = Dispute(chain, lease, data, 5);
        seeded.Round = 1;
        chain.Refused(TenantKey, WorkErrors.NotTenantData, seeded);

        // After the dispute window the opened receipt is accepted and can no longer be disputed.
        chain.CommitUntil(chain.Receipt(lease, 2)!.DisputeUntilHeight + 1);
        Assert.Equal(ReceiptStatus.Verified, chain.Receipt(lease, 2)!.Status);
        chain.Refused(TenantKey, WorkErrors.NotAwaitingResponse, Dispute(chain, lease, data, 5));
        Assert.Equal(0UL, chain.ProviderWork(ProviderKey)!.Failures);
    }

    [Fact]
    public void Tile_requests_are_bounded_and_a_provider_who_does_not_open_them_fails()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        var data = new TenantData(3);
        chain.Refused(2, WorkErrors.NotTenant, new MsgSetTenantData { Tenant = chain.A(2), LeaseId = lease, Rows = Rows, ARoot = ByteString.CopyFrom(data.ARoot), BRoot = ByteString.CopyFrom(data.BRoot) });
        chain.Refused(TenantKey, WorkErrors.InvalidWorkload, new MsgSetTenantData { Tenant = chain.A(TenantKey), LeaseId = lease, Rows = 10_000, ARoot = ByteString.CopyFrom(data.ARoot), BRoot = ByteString.CopyFrom(data.BRoot) });
        chain.Ok(TenantKey, new MsgSetTenantData { Tenant = chain.A(TenantKey), LeaseId = lease, Rows = Rows, ARoot = ByteString.CopyFrom(data.ARoot), BRoot = ByteString.CopyFrom(data.BRoot) });
        var (seeded, leaves) = chain.HonestReceipt(lease);
        chain.Ok(ProviderKey, seeded);
        chain.Refused(TenantKey, WorkErrors.NotTenantData, new MsgRequestTiles { Tenant = chain.A(TenantKey), LeaseId = lease, Round = 1, Tiles = { 1 } });
        chain.CommitUntil(chain.Height + chain.Params.ChallengeDelay + 1);
        chain.Ok(ProviderKey, chain.Response(chain.Receipt(lease, 1)!, leaves));
        chain.CommitUntil(chain.LeaseWork(lease)!.RoundDueHeight + 1);

        var spec = chain.LeaseWork(lease)!.Spec;
        chain.Ok(ProviderKey, new MsgSubmitReceipt { Provider = chain.A(ProviderKey), LeaseId = lease, Round = 2, Spec = spec, OutputRoot = ByteString.CopyFrom(new byte[32]), WorkUnits = 2UL * Rows * N * N });
        chain.Refused(TenantKey, WorkErrors.InvalidTiles, new MsgRequestTiles { Tenant = chain.A(TenantKey), LeaseId = lease, Round = 2, Tiles = { 32 } });
        chain.Refused(TenantKey, WorkErrors.InvalidTiles, new MsgRequestTiles { Tenant = chain.A(TenantKey), LeaseId = lease, Round = 2, Tiles = { Enumerable.Range(0, 9).Select(t => (ulong)t) } });
        chain.Ok(TenantKey, new MsgRequestTiles { Tenant = chain.A(TenantKey), LeaseId = lease, Round = 2, Tiles = { 1, 2 } });
        chain.CommitUntil(chain.Receipt(lease, 2)!.ResponseDeadlineHeight + 1);
        Assert.Equal(ReceiptStatus.Failed, chain.Receipt(lease, 2)!.Status);
        Assert.Equal("no_response", chain.Receipt(lease, 2)!.Failure);
    }
}
