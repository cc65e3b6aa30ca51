using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCreateBid: a provider bids on an open order and pays the bid deposit.</summary>
public sealed class CreateBidHandler(BidKeeper bids) : MarketMsgHandler<MsgCreateBid>
{
    protected override (string Field, string Address) SignerField(MsgCreateBid message) => ("provider", message.Provider);

    protected override ExecResult ValidateFields(MsgCreateBid message) => Positive(message.PricePerBlock, MarketErrors.InvalidPrice, "price_per_block");

    protected override ExecResult Handle(MsgContext context, MsgCreateBid message) =>
        bids.CreateBid(context, Signer(message), message.OrderId, message.PricePerBlock);
}
