using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Matching;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgUpdateProvider: replaces a provider's host URI, region and attributes.</summary>
public sealed class UpdateProviderHandler(ProviderKeeper providers) : MarketMsgHandler<MsgUpdateProvider>
{
    protected override (string Field, string Address) SignerField(MsgUpdateProvider message) => ("owner", message.Owner);

    protected override ExecResult ValidateFields(MsgUpdateProvider message) =>
        ProviderAttributes.ValidateProvider(message.HostUri, message.Region, message.Attributes);

    protected override ExecResult Handle(MsgContext context, MsgUpdateProvider message) =>
        providers.UpdateProvider(context, Signer(message), message.HostUri, message.Region, message.Attributes);
}
