using Chain.Proto.Genesis;
using Chain.State.Modules;
using Chain.State.Store;

namespace Chain.Modules.Market;

/// <summary>The market module: providers, orders, bids, leases and escrow, with auto-matching and run-out in EndBlock.</summary>
public sealed class MarketModule : IModule
{
    private readonly MarketKeeper _keeper;

    public MarketModule(MarketKeeper keeper)
    {
        _keeper = keeper;
        Handlers =
        [
            new CreateProviderHandler(keeper), new UpdateProviderHandler(keeper), new DeleteProviderHandler(keeper),
            new CreateOrderHandler(keeper), new CloseOrderHandler(keeper),
            new CreateBidHandler(keeper), new CloseBidHandler(keeper),
            new CreateLeaseHandler(keeper), new CloseLeaseHandler(keeper),
            new DepositEscrowHandler(keeper), new WithdrawLeaseHandler(keeper),
        ];
    }

    public string Name => "market";

    public IReadOnlyList<IMsgHandler> Handlers { get; }

    public ExecResult InitGenesis(MsgContext context, GenesisDoc genesis) =>
        MarketGenesis.Import(_keeper, context.Store, genesis.AppState?.Market);

    public void BeginBlock(MsgContext context)
    {
    }

    public void EndBlock(MsgContext context) => _keeper.EndBlock(context);

    public IReadOnlyList<string> CheckInvariants(IStateReader state) => MarketInvariants.Check(_keeper, state);
}
