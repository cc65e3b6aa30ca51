using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgDepositWorkBond: a registered provider adds to its work bond.</summary>
public sealed class DepositBondHandler(BondKeeper bonds) : WorkMsgHandler<MsgDepositWorkBond>
{
    protected override (string Field, string Address) SignerField(MsgDepositWorkBond message) => ("provider", message.Provider);

    protected override ExecResult ValidateFields(MsgDepositWorkBond message) => Positive(message.Amount, "amount");

    protected override ExecResult Handle(MsgContext context, MsgDepositWorkBond message) => bonds.Deposit(context, Signer(message), message.Amount);
}
