using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Work.Genesis;
using Chain.Modules.Work.Handlers;
using Chain.Modules.Work.Invariants;
using Chain.Modules.Work.Keeper;
using Chain.Modules.Work.Queries;
using Chain.Proto.Work;
using Chain.State.Modules;
using Chain.State.Queries;
using Chain.State.Store;

namespace Chain.Modules.Work;

/// <summary>
/// Proof of useful work (docs/work.md): providers' work bonds, receipt rounds of every active lease, challenges drawn
/// from later block hashes and answered with Merkle-opened tiles every validator recomputes, tenant-data disputes,
/// slashing, and the work share of minted coins paid for verified work. Built on the bank, the market (it adds itself
/// to the market's hooks) and staking's <see cref="IWorkRewards"/>.
/// </summary>
public sealed class WorkModule : Module<GenesisState>
{
    public const string ModuleName = "work";

    public WorkModule(IBankKeeper bank, MarketKeeper market, IWorkRewards staking)
    {
        Keeper = new WorkKeeper(bank, market, staking);
        market.Hooks.Add(Keeper);
        Handlers =
        [
            new DepositBondHandler(Keeper.Bonds), new WithdrawBondHandler(Keeper.Bonds),
            new SubmitReceiptHandler(Keeper.Receipts), new ChallengeResponseHandler(Keeper.Receipts),
            new SetTenantDataHandler(Keeper.Tenant), new RequestTilesHandler(Keeper.Tenant), new DisputeTileHandler(Keeper.Tenant),
        ];
        Keepers = [Keeper];
    }

    public WorkKeeper Keeper { get; }

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; }

    public override IReadOnlyList<object> Keepers { get; }

    public override GenesisState DefaultGenesis() => WorkGenesis.Default();

    public override ExecResult ValidateGenesis(GenesisState genesis) => WorkGenesis.Import(Keeper, new CacheState(EmptyState.Instance), genesis);

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis)
    {
        var r = WorkGenesis.Import(Keeper, context.Store, genesis);
        return r.IsOk ? WorkGenesis.CheckAccounts(Keeper, context.Store) : r;
    }

    public override GenesisState ExportGenesis(IStateReader state, ulong height) => WorkGenesis.Export(Keeper, state, height);

    public override void BeginBlock(MsgContext context) => Keeper.BeginBlock(context);

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context)
    {
        Keeper.EndBlock(context);
        return [];
    }

    public override IReadOnlyList<string> CheckInvariants(IStateReader state) => WorkInvariants.Check(Keeper, state);

    public override IReadOnlyList<QueryService> QueryServices(QueryContext queries) => [QueryService.Of(new WorkQueryService(queries, Keeper))];
}
