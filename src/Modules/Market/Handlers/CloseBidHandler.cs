using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCloseBid: the provider withdraws an open bid; its deposit is refunded.</summary>
public sealed class CloseBidHandler(MarketKeeper keeper) : MarketMsgHandler<MsgCloseBid>(keeper)
{
    protected override (string Field, string Address) SignerField(MsgCloseBid message) => ("provider", message.Provider);

    protected override ExecResult Handle(MsgContext context, MsgCloseBid message) =>
        Keeper.CloseBid(context, Signer(message), message.BidId);
}
