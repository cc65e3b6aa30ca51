using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgDeleteProvider: removes a provider with no open or active bids and returns the bond.</summary>
public sealed class DeleteProviderHandler(ProviderKeeper providers) : MarketMsgHandler<MsgDeleteProvider>
{
    protected override (string Field, string Address) SignerField(MsgDeleteProvider message) => ("owner", message.Owner);

    protected override ExecResult Handle(MsgContext context, MsgDeleteProvider message) =>
        providers.DeleteProvider(context, Signer(message));
}
