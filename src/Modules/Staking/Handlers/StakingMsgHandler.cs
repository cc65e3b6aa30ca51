using Chain.Crypto;
using Chain.State.Modules;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Modules.Staking.Handlers;

/// <summary>
/// Base of staking's handlers: the signer is one address field of the message (an account, or an operator in the
/// chainvaloper prefix, whose account has the same 20 bytes), checked in ValidateBasic with the other fields.
/// </summary>
public abstract class StakingMsgHandler<TMsg> : MsgHandler<TMsg>
    where TMsg : IMessage<TMsg>, new()
{
    /// <summary>The field name, value and bech32 prefix of the signing address.</summary>
    protected abstract (string Field, string Address, string Prefix) SignerField(TMsg message);

    /// <summary>Stateless checks beyond the signer.</summary>
    protected virtual ExecResult ValidateFields(TMsg message) => ExecResult.Ok;

    protected sealed override ExecResult ValidateBasic(TMsg message)
    {
        var (field, address, prefix) = SignerField(message);
        return Parse(field, address, prefix, out _) is { IsOk: false } r ? r : ValidateFields(message);
    }

    protected sealed override byte[] Signer(TMsg message)
    {
        var (_, address, prefix) = SignerField(message);
        return Address.FromBech32(address, prefix);
    }

    protected static ExecResult Parse(string field, string text, string prefix, out byte[] address) =>
        Address.TryFromBech32(text, out address, out var error, prefix)
            ? ExecResult.Ok
            : StakingErrors.Error(StakingErrors.InvalidAddress, $"{field}: {error}");

    protected static byte[] Account(string text) => Address.FromBech32(text);

    protected static byte[] Operator(string text) => Address.FromBech32(text, Address.ValidatorOperatorPrefix);

    protected static ExecResult Positive(ulong value, string field) =>
        value == 0 ? StakingErrors.Error(StakingErrors.InvalidAmount, $"{field} must be above 0") : ExecResult.Ok;

    protected static ExecResult DecField(string text, string field, out Dec value) =>
        Dec.TryParse(text, out value) ? ExecResult.Ok : StakingErrors.Error(StakingErrors.InvalidCommission, $"{field} is '{text}', not a decimal with at most 18 places");
}
