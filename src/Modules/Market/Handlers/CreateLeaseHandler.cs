using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCreateLease: the tenant accepts a bid of its open order.</summary>
public sealed class CreateLeaseHandler(LeaseKeeper leases) : MarketMsgHandler<MsgCreateLease>
{
    protected override (string Field, string Address) SignerField(MsgCreateLease message) => ("tenant", message.Tenant);

    protected override ExecResult Handle(MsgContext context, MsgCreateLease message) =>
        leases.CreateLease(context, Signer(message), message.BidId);
}
