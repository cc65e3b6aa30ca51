using Chain.Crypto;
using Google.Protobuf;

namespace Chain.State.Modules;

/// <summary>
/// Base of the handlers whose signer is one account-address field of the message (the market's and the work
/// module's): ValidateBasic checks that field is bech32 in the account prefix, refusing with the module's own code,
/// then the handler's other stateless checks.
/// </summary>
public abstract class AccountSignedHandler<TMsg> : MsgHandler<TMsg>
    where TMsg : IMessage<TMsg>, new()
{
    /// <summary>The field name and value of the signing address.</summary>
    protected abstract (string Field, string Address) SignerField(TMsg message);

    /// <summary>The module's refusal of a signer field that is not an account address.</summary>
    protected abstract ExecResult InvalidAddress(string log);

    /// <summary>Stateless checks beyond the signer.</summary>
    protected virtual ExecResult ValidateFields(TMsg message) => ExecResult.Ok;

    protected sealed override ExecResult ValidateBasic(TMsg message)
    {
        var (field, address) = SignerField(message);
        return Address.TryFromBech32(address, out _, out var error) ? ValidateFields(message) : InvalidAddress($"{field}: {error}");
    }

    protected sealed override byte[] Signer(TMsg message) => Address.FromBech32(SignerField(message).Address);
}
