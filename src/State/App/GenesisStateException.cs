namespace Chain.State.App;

/// <summary>Genesis could not be written to state, or the data directory belongs to another genesis.</summary>
public sealed class GenesisStateException(string message) : Exception(message);
