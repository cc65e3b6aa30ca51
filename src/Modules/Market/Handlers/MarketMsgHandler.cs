using Chain.State.Modules;
using Google.Protobuf;

namespace Chain.Modules.Market.Handlers;

/// <summary>Base of the market's handlers: the signer is one address field of the message, checked in ValidateBasic.</summary>
public abstract class MarketMsgHandler<TMsg> : AccountSignedHandler<TMsg>
    where TMsg : IMessage<TMsg>, new()
{
    protected sealed override ExecResult InvalidAddress(string log) => MarketErrors.Error(MarketErrors.InvalidAddress, log);

    protected static ExecResult Positive(ulong value, uint code, string field) =>
        value == 0 ? MarketErrors.Error(code, $"{field} must be above 0") : ExecResult.Ok;
}
