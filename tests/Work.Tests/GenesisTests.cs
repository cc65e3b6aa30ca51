using Chain.Modules.Work.Genesis;
using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf;
using static Chain.Modules.Work.Tests.WorkChain;

namespace Chain.Modules.Work.Tests;

/// <summary>Genesis: an export imports into a fresh chain that goes on where the old one stopped; bad records are refused.</summary>
public sealed class GenesisTests
{
    [Fact]
    public void An_export_with_a_challenged_receipt_imports_and_the_queue_is_rebuilt_from_the_records()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        var (msg, _) = chain.HonestReceipt(lease);
        chain.Ok(ProviderKey, msg);
        chain.CommitUntil(chain.Height + chain.Params.ChallengeDelay + 1);
        var exported = WorkGenesis.Export(chain.Work, chain.State, chain.Height);
        Assert.NotNull(exported);
        var receipt = Assert.Single(exported!.Receipts);
        Assert.Equal(ReceiptStatus.Challenged, receipt.Status);
        Assert.Equal(chain.Receipt(lease, 1)!.ResponseDeadlineHeight - chain.Height, receipt.ResponseDeadlineHeight);

        // Imported into an empty scratch state: every record back, and a deadline entry where the relative height says.
        var modules = WorkChain.Modules();
        var work = ((WorkModule)modules.Find(WorkModule.ModuleName)!).Keeper;
        var store = new CacheState(EmptyState.Instance);
        Assert.True(WorkGenesis.Import(work, store, exported).IsOk);
        Assert.Equal(receipt, work.Records.GetReceipt(store, lease, 1));
        var queued = work.Records.DequeueDue(store, 1_000, 100);
        Assert.Contains((receipt.ResponseDeadlineHeight + 1, WorkKeys.ResponseDeadline, lease, 1UL), queued);
        Assert.Contains(queued, e => e.Kind == WorkKeys.RoundCheck && e.Lease == lease);
    }

    [Fact]
    public void Genesis_records_the_chain_could_not_check_are_refused()
    {
        var modules = WorkChain.Modules();
        var work = ((WorkModule)modules.Find(WorkModule.ModuleName)!).Keeper;
        var good = new GenesisState { Params = TestParams(), Rewards = new RewardPool() };
        Assert.True(WorkGenesis.Import(work, new CacheState(EmptyState.Instance), good).IsOk);

        var badParams = good.Clone();
        badParams.Params.N = 100;
        Assert.Equal(WorkErrors.InvalidParams, WorkGenesis.Import(work, new CacheState(EmptyState.Instance), badParams).Code);

        var badPool = good.Clone();
        badPool.Rewards = new RewardPool { MintedSeen = 5, Paid = 1 };
        Assert.Equal(WorkErrors.InvalidGenesis, WorkGenesis.Import(work, new CacheState(EmptyState.Instance), badPool).Code);

        var badSpec = good.Clone();
        badSpec.Leases.Add(new LeaseWork { LeaseId = 1, Round = 1, Active = true, Spec = new WorkloadSpec { Rows = 4, N = 32, TileWidth = 8, Source = InputSource.Seeded, Seed = ByteString.CopyFrom(new byte[5]) } });
        Assert.Equal(WorkErrors.InvalidGenesis, WorkGenesis.Import(work, new CacheState(EmptyState.Instance), badSpec).Code);

        var badTiles = good.Clone();
        var spec = new WorkloadSpec { Rows = 4, N = 32, TileWidth = 8, Source = InputSource.Seeded, Seed = ByteString.CopyFrom(new byte[32]) };
        badTiles.Leases.Add(new LeaseWork { LeaseId = 1, Round = 1, Active = true, Spec = spec });
        badTiles.Receipts.Add(new Receipt { LeaseId = 1, Round = 1, Spec = spec, OutputRoot = ByteString.CopyFrom(new byte[32]), Status = ReceiptStatus.Challenged, ChallengedTiles = { 16 } });
        Assert.Equal(WorkErrors.InvalidGenesis, WorkGenesis.Import(work, new CacheState(EmptyState.Instance), badTiles).Code);
    }
}
