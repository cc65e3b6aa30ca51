using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market.Genesis;
using Chain.Modules.Market.Handlers;
using Chain.Modules.Market.Invariants;
using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Params;
using Chain.Modules.Market.Queries;
using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Queries;
using Chain.State.Store;

namespace Chain.Modules.Market;

/// <summary>The market module: providers, orders, bids, leases and escrow, with auto-matching and run-out in EndBlock. Needs the bank's <see cref="IBankKeeper"/>.</summary>
public sealed class MarketModule : Module<GenesisState>
{
    public const string ModuleName = "market";

    public MarketModule(IBankKeeper bank)
    {
        Keeper = new MarketKeeper(bank);
        Handlers =
        [
            new CreateProviderHandler(Keeper.Providers), new UpdateProviderHandler(Keeper.Providers), new DeleteProviderHandler(Keeper.Providers),
            new CreateOrderHandler(Keeper.Orders), new CloseOrderHandler(Keeper.Orders),
            new CreateBidHandler(Keeper.Bids), new CloseBidHandler(Keeper.Bids),
            new CreateLeaseHandler(Keeper.Leases), new CloseLeaseHandler(Keeper.Leases),
            new DepositEscrowHandler(Keeper.Escrow), new WithdrawLeaseHandler(Keeper.Leases),
        ];
        Keepers = [Keeper];
    }

    public MarketKeeper Keeper { get; }

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; }

    public override IReadOnlyList<object> Keepers { get; }

    public override GenesisState DefaultGenesis() => new() { Params = MarketParams.Default() };

    /// <summary>The same checks as <see cref="InitGenesis"/>, run against an empty scratch state.</summary>
    public override ExecResult ValidateGenesis(GenesisState genesis) =>
        MarketGenesis.Import(Keeper, new CacheState(EmptyState.Instance), genesis);

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis) => MarketGenesis.Import(Keeper, context.Store, genesis);

    public override void PrepareExport(MsgContext context) => MarketGenesis.SettleForExport(Keeper, context);

    public override GenesisState ExportGenesis(IStateReader state, ulong height) => MarketGenesis.Export(Keeper, state, height);

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context)
    {
        Keeper.EndBlock(context);
        return [];
    }

    public override IReadOnlyList<string> CheckInvariants(IStateReader state) => MarketInvariants.Check(Keeper, state);

    public override IReadOnlyList<QueryService> QueryServices(QueryContext queries) => [QueryService.Of(new MarketQueryService(queries, new MarketQueries(Keeper)))];
}
