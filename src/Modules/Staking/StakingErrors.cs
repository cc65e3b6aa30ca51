using Chain.State.Modules;

namespace Chain.Modules.Staking;

/// <summary>Errors of the "staking" codespace (listed in docs/errors.md). Every one leaves state unchanged.</summary>
public static class StakingErrors
{
    public const string Codespace = "staking";

    public const uint InvalidAddress = 2;
    public const uint InvalidAmount = 3;
    public const uint InvalidDescription = 4;
    public const uint InvalidCommission = 5;
    public const uint CommissionOutOfBounds = 6;
    public const uint CommissionChangeTooSoon = 7;
    public const uint CommissionChangeTooLarge = 8;
    public const uint SelfDelegationBelowMinimum = 9;
    public const uint MinSelfDelegationDecreased = 10;
    public const uint ValidatorExists = 11;
    public const uint ConsensusKeyInUse = 12;
    public const uint InvalidConsensusKey = 13;
    public const uint UnknownValidator = 14;
    public const uint NoDelegation = 15;
    public const uint InsufficientShares = 16;
    public const uint TooManyEntries = 17;
    public const uint SelfRedelegation = 18;
    public const uint TransitiveRedelegation = 19;
    public const uint TinyRedelegation = 20;
    public const uint UnknownUnbondingEntry = 21;
    public const uint UnbondingEntryMatured = 22;
    public const uint ValidatorJailed = 23;
    public const uint ValidatorNotJailed = 24;
    public const uint StillJailed = 25;
    public const uint Tombstoned = 26;
    public const uint NoSelfDelegation = 27;
    public const uint InvalidExchangeRate = 28;
    public const uint InsufficientFunds = 29;
    public const uint NoRewards = 30;
    public const uint InvalidGenesis = 31;
    public const uint InvalidParams = 32;

    public static ExecResult Error(uint code, string log) => ExecResult.Error(Codespace, code, log);
}
