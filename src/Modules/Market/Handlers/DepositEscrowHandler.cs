using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgDepositEscrow: the tenant tops up an open escrow account.</summary>
public sealed class DepositEscrowHandler(EscrowKeeper escrows) : MarketMsgHandler<MsgDepositEscrow>
{
    protected override (string Field, string Address) SignerField(MsgDepositEscrow message) => ("tenant", message.Tenant);

    protected override ExecResult ValidateFields(MsgDepositEscrow message) => Positive(message.Amount, MarketErrors.InvalidAmount, "amount");

    protected override ExecResult Handle(MsgContext context, MsgDepositEscrow message) =>
        escrows.DepositEscrow(context, Signer(message), message.EscrowId, message.Amount);
}
