using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Matching;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCreateOrder: posts an order and opens its escrow with the deposit.</summary>
public sealed class CreateOrderHandler(OrderKeeper orders) : MarketMsgHandler<MsgCreateOrder>
{
    protected override (string Field, string Address) SignerField(MsgCreateOrder message) => ("owner", message.Owner);

    protected override ExecResult ValidateFields(MsgCreateOrder message)
    {
        var r = ProviderAttributes.ValidateResources(message.Resources);
        return r.IsOk ? Positive(message.MaxPricePerBlock, MarketErrors.InvalidPrice, "max_price_per_block") : r;
    }

    protected override ExecResult Handle(MsgContext context, MsgCreateOrder message) =>
        orders.CreateOrder(context, Signer(message), message.Resources, message.MaxPricePerBlock, message.BiddingWindowBlocks, message.Deposit);
}
