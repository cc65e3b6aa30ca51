using System.Text.Json;
using Chain.Proto.Work;

namespace Chain.Node.Tests.Work;

/// <summary>
/// Proof of useful work end to end on one real node, through the CLI (which speaks gRPC): a provider bonds, bids and
/// wins a lease; `chaind work compute` and `chaind tx work submit-receipt` compute the seeded round on the CPU; the
/// challenge comes and `chaind tx work respond` opens the tiles; the chain verifies them and pays the work reward.
/// Then the tenant switches to its own matrices, asks for tiles, and a dispute of a correct tile is refused.
/// </summary>
public sealed class WorkCliAgainstNodeTests(WorkNode fixture) : IClassFixture<WorkNode>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private TestNode Node => fixture.Node;

    private async Task<Chain.Node.Tests.Cli.CliRun> Cli(params string[] args)
    {
        var run = await Node.Cli(args);
        Assert.True(run.ExitCode == 0, $"chaind {string.Join(' ', args)}: {run.Output}{run.Error}");
        return run;
    }

    private async Task Commit(params string[] args)
    {
        var run = await Cli([.. args, "--broadcast-mode", "commit"]);
        Assert.True(run.Field("code") == "0", run.Output);
    }

    private Query.QueryClient Work => new(Node.Channel);

    private static Task<T> WaitFor<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Agents.TenantTestChain.WaitFor(read, done, what, within: Wait);

    private Task<LeaseWork> Round(ulong round) =>
        WaitFor(async () => (await Work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = 1 })).Lease, l => l.Round >= round, $"round {round} of lease 1");

    private Task<Receipt> ReceiptIn(ulong round, params ReceiptStatus[] statuses) =>
        WaitFor(async () => (await Work.ReceiptAsync(new QueryReceiptRequest { LeaseId = 1, Round = round })).Receipt, r => statuses.Contains(r.Status), $"receipt {round} reaching {string.Join('/', statuses)}");

    /// <summary>Submits the seeded receipt of the open round and answers its challenge, all through the CLI.</summary>
    private async Task<Receipt> ProveSeededRound(ulong round)
    {
        await Round(round);
        await Commit("tx", "work", "submit-receipt", "provider", "1", "--device", "cpu");
        await ReceiptIn(round, ReceiptStatus.Challenged);
        await Commit("tx", "work", "respond", "provider", "1", round.ToString(System.Globalization.CultureInfo.InvariantCulture), "--device", "cpu");
        return await ReceiptIn(round, ReceiptStatus.Verified);
    }

    [Fact]
    public async Task A_provider_proves_seeded_rounds_and_is_paid_and_a_tenant_checks_its_own_data()
    {
        var provider = Node.FundedKey("provider");
        Node.FundedKey("tenant");
        await Commit("tx", "market", "create-provider", "provider", "--host-uri", "https://gpu.example.com:8443", "--region", "eu-west",
            "--attribute", "gpu/vendor/nvidia/model/h100/ram/80Gi", "--attribute", "gpu/count/8");

        // No bond, no bid: the work module refuses it with its own code.
        await Commit("tx", "market", "create-order", "tenant", "--gpus", "1", "--gpu-model", "nvidia/h100", "--max-price", "100uchn", "--deposit", "50chn", "--bidding-window", "50");
        var refused = await Node.Cli("tx", "market", "bid", "provider", "1", "90uchn", "--broadcast-mode", "commit");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("code 7 (work)", refused.Error);

        await Commit("tx", "work", "deposit-bond", "provider", "2chn");
        await Commit("tx", "market", "bid", "provider", "1", "90uchn");
        await Commit("tx", "market", "accept-bid", "tenant", "1");
        var lease = await Round(1);
        Assert.Equal((64u, 256u, 16u, InputSource.Seeded), (lease.Spec.Rows, lease.Spec.N, lease.Spec.TileWidth, lease.Spec.Source));

        // `chaind work compute` prints the receipt it would send; asking for CUDA here says there is none.
        var computed = await Cli("work", "compute", "--lease", "1", "--device", "cpu");
        Assert.Equal((2UL * 64 * 256 * 256).ToString(System.Globalization.CultureInfo.InvariantCulture), computed.Field("work_units"));
        Assert.Equal(64, computed.Field("output_root").Length);
        var cuda = await Node.Cli("work", "compute", "--lease", "1", "--device", "cuda");
        Assert.NotEqual(0, cuda.ExitCode);
        Assert.Contains("no CUDA device found", cuda.Error);

        var first = await ProveSeededRound(1);
        Assert.Equal(computed.Field("output_root"), Convert.ToHexStringLower(first.OutputRoot.ToByteArray()));
        Assert.Equal(16, first.ChallengedTiles.Count);

        var record = await Cli("query", "work", "provider", provider);
        Assert.Equal("1", record.Field("verified_receipts"));
        Assert.Equal("0", record.Field("failures"));
        Assert.Equal(first.Reward + "uchn", record.Field("rewards"));
        Assert.True(first.Reward > 0, "minting is on: the verified receipt earns the work share");
        var json = await Cli("query", "work", "receipt", "1", "1", "--output", "json");
        using (var doc = JsonDocument.Parse(json.Output))
        {
            Assert.Equal("RECEIPT_STATUS_VERIFIED", doc.RootElement.GetProperty("receipt").GetProperty("status").GetString());
        }

        // The tenant's own matrices (A: 64 x 256, B: 256 x 256 column by column) from the next round on.
        var dir = Directory.CreateTempSubdirectory("work-cli-");
        try
        {
            var random = new Random(5);
            var a = new byte[64 * 256];
            var b = new byte[256 * 256];
            random.NextBytes(a);
            random.NextBytes(b);
            var aFile = Path.Combine(dir.FullName, "a.bin");
            var bFile = Path.Combine(dir.FullName, "b.bin");
            await File.WriteAllBytesAsync(aFile, a);
            await File.WriteAllBytesAsync(bFile, b);
            await Commit("tx", "work", "set-tenant-data", "tenant", "1", "--a", aFile, "--b", bFile);

            // The round open when the data was set stays seeded; the next one computes on the tenant's data.
            var open = (await Work.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = 1 })).Lease;
            if (!open.ReceiptSubmitted)
            {
                await ProveSeededRound(open.Round);
            }

            var next = open.Round + 1;
            var tenantRound = await Round(next);
            Assert.Equal(InputSource.Tenant, tenantRound.Spec.Source);
            await Commit("tx", "work", "submit-receipt", "provider", "1", "--device", "cpu", "--a", aFile, "--b", bFile);
            var round = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ReceiptIn(next, ReceiptStatus.Unchecked);
            await Commit("tx", "work", "request-tiles", "tenant", "1", round, "0", "37", "1000");
            await ReceiptIn(next, ReceiptStatus.TilesRequested);
            await Commit("tx", "work", "respond", "provider", "1", round, "--device", "cpu", "--a", aFile, "--b", bFile);
            await ReceiptIn(next, ReceiptStatus.Opened);

            // The opened tile is the true product: the chain recomputes it from the tenant's data and refuses the dispute.
            var dispute = await Node.Cli("tx", "work", "dispute", "tenant", "1", round, "37", "--a", aFile, "--b", bFile, "--broadcast-mode", "commit");
            Assert.NotEqual(0, dispute.ExitCode);
            Assert.Contains("code 26 (work)", dispute.Error);

            // Files that are not the committed data are caught before anything is sent.
            b[0] ^= 1;
            await File.WriteAllBytesAsync(bFile, b);
            var forged = await Node.Cli("work", "compute", "--lease", "1", "--device", "cpu", "--a", aFile, "--b", bFile);
            Assert.NotEqual(0, forged.ExitCode);
            Assert.Contains("not the ones the tenant committed", forged.Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        var final = await Cli("query", "work", "provider", provider);
        Assert.Equal("0", final.Field("failures"));
        Assert.Equal("1", final.Field("active_leases"));
    }
}
