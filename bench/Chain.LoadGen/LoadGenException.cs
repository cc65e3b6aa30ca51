namespace Chain.LoadGen;

/// <summary>A bad argument or a state of the testnet that stops the load generator; its message is shown as is.</summary>
public sealed class LoadGenException(string message) : Exception(message);
