using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCloseOrder: the owner closes an open order; bids and escrow are refunded.</summary>
public sealed class CloseOrderHandler(OrderKeeper orders) : MarketMsgHandler<MsgCloseOrder>
{
    protected override (string Field, string Address) SignerField(MsgCloseOrder message) => ("owner", message.Owner);

    protected override ExecResult Handle(MsgContext context, MsgCloseOrder message) =>
        orders.CloseOrder(context, Signer(message), message.OrderId);
}
