using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCloseLease: the tenant or the provider closes an active lease.</summary>
public sealed class CloseLeaseHandler(LeaseKeeper leases) : MarketMsgHandler<MsgCloseLease>
{
    protected override (string Field, string Address) SignerField(MsgCloseLease message) => ("signer", message.Signer);

    protected override ExecResult Handle(MsgContext context, MsgCloseLease message) =>
        leases.CloseLease(context, Signer(message), message.LeaseId);
}
