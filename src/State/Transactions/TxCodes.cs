namespace Chain.State.Transactions;

/// <summary>
/// Codes of the "tx" codespace: one per reason a tx is refused. The numbers follow the Cosmos SDK's
/// sdkerrors so that wallets that know those codes read ours the same way. Listed in docs/errors.md.
/// </summary>
public static class TxCodes
{
    public const string Codespace = "tx";

    /// <summary>A message handler failed in a way it does not report (an exception other than out-of-gas: a bug).</summary>
    public const uint InternalError = 1;

    public const uint TxDecode = 2;
    public const uint InvalidSequence = 3;
    public const uint Unauthorized = 4;
    public const uint InsufficientFunds = 5;
    public const uint UnknownRequest = 6;
    public const uint InvalidAddress = 7;
    public const uint InvalidPubKey = 8;
    public const uint UnknownAddress = 9;
    public const uint InvalidCoins = 10;
    public const uint OutOfGas = 11;
    public const uint MemoTooLarge = 12;
    public const uint InsufficientFee = 13;
    public const uint TooManySignatures = 14;
    public const uint NoSignatures = 15;
    public const uint InvalidRequest = 18;
    public const uint TxInMempoolCache = 19;
    public const uint MempoolIsFull = 20;
    public const uint TxTooLarge = 21;
    public const uint InvalidChainId = 28;
    public const uint TxTimeoutHeight = 30;
    public const uint HighSSignature = 42;
    public const uint InvalidGasLimit = 41;
    public const uint BlockGasExceeded = 43;
}
