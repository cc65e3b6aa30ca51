using Chain.Modules.Staking;
using Chain.Modules.Work;
using Chain.Proto.Staking;
using Chain.State.Modules;

namespace Chain.Node.Tests.Work;

/// <summary>
/// A test node whose leases owe receipts every 30 blocks (6 s) of a 64 x 256 x 256 product, challenged 2 blocks
/// later with 16 tiles and 40 blocks to answer; minting is on (10% a year) with half of it for verified work.
/// </summary>
public sealed class WorkNode : IAsyncLifetime
{
    public TestNode Node { get; } = TestNode.WithGenesis(genesis =>
    {
        AppStateSections.Update<Proto.Work.GenesisState>(genesis, WorkModule.ModuleName, w =>
        {
            w.Params.ReceiptInterval = 30;
            w.Params.ChallengeDelay = 2;
            w.Params.ResponseDeadline = 40;
            w.Params.DisputeWindow = 40;
            w.Params.DefaultRowsPerGpu = 64;
            w.Params.Samples = 16;
        });
        AppStateSections.Update<GenesisState>(genesis, StakingModule.ModuleName, s =>
        {
            s.Mint.Params.InflationMin = "0.10";
            s.Mint.Params.InflationMax = "0.10";
            s.Mint.Minter.Inflation = "0.10";
            s.Mint.Params.WorkRewardShare = "0.5";
        });
    });

    public Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();
}
