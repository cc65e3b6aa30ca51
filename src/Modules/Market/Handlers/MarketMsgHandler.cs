using Chain.Crypto;
using Chain.State.Modules;
using Google.Protobuf;

namespace Chain.Modules.Market.Handlers;

/// <summary>Base of the market's handlers: the signer is one address field of the message, checked in ValidateBasic.</summary>
public abstract class MarketMsgHandler<TMsg> : MsgHandler<TMsg>
    where TMsg : IMessage<TMsg>, new()
{
    /// <summary>The field name and value of the signing address.</summary>
    protected abstract (string Field, string Address) SignerField(TMsg message);

    /// <summary>Stateless checks beyond the signer.</summary>
    protected virtual ExecResult ValidateFields(TMsg message) => ExecResult.Ok;

    protected sealed override ExecResult ValidateBasic(TMsg message)
    {
        var (field, address) = SignerField(message);
        if (!Address.TryFromBech32(address, out _, out var error))
        {
            return MarketErrors.Error(MarketErrors.InvalidAddress, $"{field}: {error}");
        }

        return ValidateFields(message);
    }

    protected sealed override byte[] Signer(TMsg message) => Address.FromBech32(SignerField(message).Address);

    protected static ExecResult Positive(ulong value, uint code, string field) =>
        value == 0 ? MarketErrors.Error(code, $"{field} must be above 0") : ExecResult.Ok;
}
