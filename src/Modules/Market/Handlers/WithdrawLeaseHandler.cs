using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgWithdrawLease: the provider withdraws what an active lease has paid.</summary>
public sealed class WithdrawLeaseHandler(LeaseKeeper leases) : MarketMsgHandler<MsgWithdrawLease>
{
    protected override (string Field, string Address) SignerField(MsgWithdrawLease message) => ("provider", message.Provider);

    protected override ExecResult Handle(MsgContext context, MsgWithdrawLease message) =>
        leases.WithdrawLease(context, Signer(message), message.LeaseId);
}
