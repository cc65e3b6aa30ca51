using Chain.State.Modules;

namespace Chain.Modules.Market;

/// <summary>Errors of the "market" codespace (listed in docs/errors.md). Every one leaves state unchanged.</summary>
public static class MarketErrors
{
    public const string Codespace = "market";

    public const uint InvalidAddress = 2;
    public const uint InvalidProvider = 3;
    public const uint ProviderExists = 4;
    public const uint UnknownProvider = 5;
    public const uint ProviderBusy = 6;
    public const uint InvalidResources = 7;
    public const uint InvalidPrice = 8;
    public const uint BiddingWindowOutOfRange = 9;
    public const uint DepositBelowMinimum = 10;
    public const uint UnknownOrder = 11;
    public const uint OrderNotOpen = 12;
    public const uint NotLeaseParty = 13;
    public const uint PriceAboveOrder = 14;
    public const uint AttributesUnmet = 15;
    public const uint TooManyBids = 16;
    public const uint DuplicateBid = 17;
    public const uint UnknownBid = 18;
    public const uint BidNotOpen = 19;
    public const uint NotTenant = 20;
    public const uint NotProvider = 21;
    public const uint UnknownLease = 22;
    public const uint LeaseNotActive = 23;
    public const uint InsufficientFunds = 24;
    public const uint InvalidAmount = 25;
    public const uint UnknownEscrowAccount = 26;
    public const uint EscrowClosed = 27;
    public const uint InvalidParams = 28;
    public const uint InvalidGenesis = 29;

    public static ExecResult Error(uint code, string log) => ExecResult.Error(Codespace, code, log);
}
