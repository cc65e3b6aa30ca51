using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgWithdrawWorkBond: a provider takes back bond its leases and receipts do not hold.</summary>
public sealed class WithdrawBondHandler(BondKeeper bonds) : WorkMsgHandler<MsgWithdrawWorkBond>
{
    protected override (string Field, string Address) SignerField(MsgWithdrawWorkBond message) => ("provider", message.Provider);

    protected override ExecResult ValidateFields(MsgWithdrawWorkBond message) => Positive(message.Amount, "amount");

    protected override ExecResult Handle(MsgContext context, MsgWithdrawWorkBond message) => bonds.Withdraw(context, Signer(message), message.Amount);
}
