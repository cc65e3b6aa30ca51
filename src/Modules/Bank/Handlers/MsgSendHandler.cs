using Chain.Crypto;
using Chain.Modules.Bank.Events;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Bank;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Bank.Handlers;

/// <summary>MsgSend: moves coins from the signer to another address.</summary>
public sealed class MsgSendHandler(BankKeeper keeper) : MsgHandler<MsgSend>
{
    protected override ExecResult ValidateBasic(MsgSend message)
    {
        if (!Address.TryFromBech32(message.FromAddress, out _, out var error))
        {
            return BankErrors.Error(BankErrors.InvalidAddress, $"from_address: {error}");
        }

        if (!Address.TryFromBech32(message.ToAddress, out _, out error))
        {
            return BankErrors.Error(BankErrors.InvalidAddress, $"to_address: {error}");
        }

        return ValidateCoins(message.Amount, "amount");
    }

    /// <summary>Coins must be non-empty, positive, with valid and distinct denominations.</summary>
    public static ExecResult ValidateCoins(IReadOnlyList<Proto.Types.Coin> coins, string field)
    {
        if (coins.Count == 0)
        {
            return BankErrors.Error(BankErrors.InvalidCoins, $"{field} is empty");
        }

        for (var i = 0; i < coins.Count; i++)
        {
            var c = coins[i];
            if (!Coins.IsValidDenom(c.Denom))
            {
                return BankErrors.Error(BankErrors.InvalidCoins, $"{field}[{i}] has an invalid denomination '{c.Denom}'");
            }

            if (c.Amount == 0)
            {
                return BankErrors.Error(BankErrors.InvalidCoins, $"{field}[{i}] amount must be positive");
            }

            for (var j = 0; j < i; j++)
            {
                if (coins[j].Denom == c.Denom)
                {
                    return BankErrors.Error(BankErrors.InvalidCoins, $"{field} lists '{c.Denom}' twice");
                }
            }
        }

        return ExecResult.Ok;
    }

    protected override byte[] Signer(MsgSend message) => Address.FromBech32(message.FromAddress);

    protected override ExecResult Handle(MsgContext context, MsgSend message)
    {
        if (!keeper.GetParams(context.Store).SendEnabled)
        {
            return BankErrors.Error(BankErrors.SendDisabled, "transfers are disabled by the bank params");
        }

        var from = Address.FromBech32(message.FromAddress);
        var to = Address.FromBech32(message.ToAddress);
        var result = keeper.Send(context.Store, from, to, message.Amount);
        if (result.IsOk)
        {
            BankEvents.EmitTransfer(context.Events, message.FromAddress, message.ToAddress, message.Amount);
        }

        return result;
    }
}
