using Chain.Crypto;
using Chain.Modules.Market.Events;
using Chain.Proto.Market;
using Chain.State.Modules;
using static Chain.Modules.Market.Events.MarketEvents;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// Providers: registration takes the provider bond into escrow, an update replaces host, region and attributes,
/// and deletion returns the bond once the provider has no open or active bid.
/// </summary>
public sealed class ProviderKeeper(MarketRecords records, EscrowKeeper escrows)
{
    public ExecResult CreateProvider(MsgContext ctx, byte[] owner, string hostUri, string region, IEnumerable<string> attributes)
    {
        var store = ctx.Store;
        var ownerText = Address.ToBech32(owner);
        if (records.GetProvider(store, owner) is not null)
        {
            return MarketErrors.Error(MarketErrors.ProviderExists, $"{ownerText} is already a provider; use update-provider");
        }

        var bond = records.GetParams(store).ProviderBond;
        var funds = escrows.CanPay(store, owner, bond, "the provider bond");
        if (!funds.IsOk)
        {
            return funds;
        }

        escrows.Move(store, owner, MarketAccounts.Escrow, bond);
        var provider = new Provider { Owner = ownerText, HostUri = hostUri, Region = region, Bond = bond, CreatedHeight = ctx.Block.Height };
        provider.Attributes.AddRange(attributes);
        records.SetProvider(store, owner, provider);
        MarketEvents.Emit(ctx.Events, MarketEvents.ProviderCreated, ("provider", ownerText), ("bond", N(bond)), ("region", region));
        return ExecResult.Ok;
    }

    public ExecResult UpdateProvider(MsgContext ctx, byte[] owner, string hostUri, string region, IEnumerable<string> attributes)
    {
        var provider = records.GetProvider(ctx.Store, owner);
        if (provider is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownProvider, $"{Address.ToBech32(owner)} is not a provider");
        }

        provider.HostUri = hostUri;
        provider.Region = region;
        provider.Attributes.Clear();
        provider.Attributes.AddRange(attributes);
        records.SetProvider(ctx.Store, owner, provider);
        MarketEvents.Emit(ctx.Events, MarketEvents.ProviderUpdated, ("provider", provider.Owner), ("region", region));
        return ExecResult.Ok;
    }

    public ExecResult DeleteProvider(MsgContext ctx, byte[] owner)
    {
        var store = ctx.Store;
        var provider = records.GetProvider(store, owner);
        if (provider is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownProvider, $"{Address.ToBech32(owner)} is not a provider");
        }

        // One index entry read, however many bids the provider has made: the index holds only open and active bids.
        if (records.FirstLiveBidOfProvider(store, owner) is { } id)
        {
            var bid = records.GetBid(store, id)!;
            return MarketErrors.Error(MarketErrors.ProviderBusy,
                $"provider {provider.Owner} still has bid {id} ({bid.State}); close its bids and leases first");
        }

        escrows.Move(store, MarketAccounts.Escrow, owner, provider.Bond);
        records.DeleteProvider(store, owner);
        MarketEvents.Emit(ctx.Events, MarketEvents.ProviderDeleted, ("provider", provider.Owner), ("bond_returned", N(provider.Bond)));
        return ExecResult.Ok;
    }
}
