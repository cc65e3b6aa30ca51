using Chain.Modules.Market.Keeper;
using Chain.Modules.Market.Matching;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Handlers;

/// <summary>MsgCreateProvider: registers the signer as a provider and takes the bond.</summary>
public sealed class CreateProviderHandler(ProviderKeeper providers) : MarketMsgHandler<MsgCreateProvider>
{
    protected override (string Field, string Address) SignerField(MsgCreateProvider message) => ("owner", message.Owner);

    protected override ExecResult ValidateFields(MsgCreateProvider message) =>
        ProviderAttributes.ValidateProvider(message.HostUri, message.Region, message.Attributes);

    protected override ExecResult Handle(MsgContext context, MsgCreateProvider message) =>
        providers.CreateProvider(context, Signer(message), message.HostUri, message.Region, message.Attributes);
}
