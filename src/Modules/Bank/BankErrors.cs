using Chain.State.Modules;

namespace Chain.Modules.Bank;

/// <summary>Errors of the "bank" codespace (listed in docs/errors.md).</summary>
public static class BankErrors
{
    public const string Codespace = "bank";

    public const uint InsufficientFunds = 5;
    public const uint InvalidAddress = 7;
    public const uint InvalidCoins = 10;
    public const uint SendDisabled = 101;
    public const uint SupplyOverflow = 102;
    public const uint InvalidGenesis = 103;

    public static ExecResult Error(uint code, string log) => ExecResult.Error(Codespace, code, log);
}
