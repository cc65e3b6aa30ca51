namespace Chain.State.Store;

/// <summary>Raised when a tx runs past its gas limit; caught by the tx pipeline only.</summary>
public sealed class OutOfGasException(string message) : Exception(message);
