using Chain.Crypto;

namespace Chain.Modules.Market.Keeper;

/// <summary>The module accounts of the market: no key signs for them, only the module moves their funds.</summary>
public static class MarketAccounts
{
    /// <summary>Holds every escrow balance and payable amount, the provider bonds and the bid deposits.</summary>
    public static readonly byte[] Escrow = Address.FromPublicKey("module/market_escrow"u8);

    /// <summary>
    /// Receives the take rate's share of escrow settlements: the fee collector, so staking's distribution pays it to
    /// validators and delegators with the fees in the next block.
    /// </summary>
    public static readonly byte[] TakeRate = Address.FromPublicKey("module/fee_collector"u8);
}
