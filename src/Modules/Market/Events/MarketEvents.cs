using System.Globalization;
using Chain.State.Modules;

namespace Chain.Modules.Market.Events;

/// <summary>
/// The event types the market emits, one per state change; each carries the ids and parties involved so a
/// subscriber can follow a lease without reading state. Amounts are in uchn.
/// </summary>
public static class MarketEvents
{
    public const string ProviderCreated = "market.provider_created";
    public const string ProviderUpdated = "market.provider_updated";
    public const string ProviderDeleted = "market.provider_deleted";
    public const string OrderCreated = "market.order_created";
    public const string OrderClosed = "market.order_closed";
    public const string BidCreated = "market.bid_created";
    public const string BidClosed = "market.bid_closed";
    public const string BidLost = "market.bid_lost";
    public const string LeaseCreated = "market.lease_created";
    public const string LeaseClosed = "market.lease_closed";
    public const string EscrowDeposited = "market.escrow_deposited";
    public const string EscrowSettled = "market.escrow_settled";
    public const string EscrowWithdrawn = "market.escrow_withdrawn";
    public const string EscrowClosed = "market.escrow_closed";

    public static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static void Emit(EventSink sink, string type, params ReadOnlySpan<(string Key, string Value)> attributes) => sink.Emit(type, attributes);
}
