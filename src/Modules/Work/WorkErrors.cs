using Chain.State.Modules;

namespace Chain.Modules.Work;

/// <summary>
/// Errors of the "work" codespace (listed in docs/errors.md). Every one is bad input and leaves state unchanged; a
/// wrong tile is not an error but a failure, which slashes.
/// </summary>
public static class WorkErrors
{
    public const string Codespace = "work";

    public const uint InvalidAddress = 2;
    public const uint InvalidAmount = 3;
    public const uint NotProvider = 4;
    public const uint InsufficientFunds = 5;
    public const uint BondInUse = 6;
    public const uint BondTooLow = 7;
    public const uint UnknownLease = 8;
    public const uint NotLeaseProvider = 9;
    public const uint LeaseNotActive = 10;
    public const uint WrongRound = 11;
    public const uint ReceiptExists = 12;
    public const uint SpecMismatch = 13;
    public const uint WrongWorkUnits = 14;
    public const uint InvalidRoot = 15;
    public const uint UnknownReceipt = 16;
    public const uint NotAwaitingResponse = 17;
    public const uint DeadlinePassed = 18;
    public const uint WrongTiles = 19;
    public const uint BadPath = 20;
    public const uint NotTenant = 21;
    public const uint NotTenantData = 22;
    public const uint InvalidTiles = 23;
    public const uint DisputeWindowClosed = 24;
    public const uint DataMismatch = 25;
    public const uint TileCorrect = 26;
    public const uint InvalidWorkload = 27;
    public const uint InvalidParams = 28;
    public const uint InvalidGenesis = 29;
    public const uint TooLarge = 30;

    public static ExecResult Error(uint code, string log) => ExecResult.Error(Codespace, code, log);
}
