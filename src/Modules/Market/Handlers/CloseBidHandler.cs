using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCloseBid: the provider withdraws an open bid; its deposit is refunded.</summary>
public sealed class CloseBidHandler(BidKeeper bids) : MarketMsgHandler<MsgCloseBid>
{
    protected override (string Field, string Address) SignerField(MsgCloseBid message) => ("provider", message.Provider);

    protected override ExecResult Handle(MsgContext context, MsgCloseBid message) =>
        bids.CloseBid(context, Signer(message), message.BidId);
}
