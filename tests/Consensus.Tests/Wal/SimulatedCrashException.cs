namespace Chain.Consensus.Tests.Wal;

/// <summary>The process "dies" inside a host call.</summary>
internal sealed class SimulatedCrashException : Exception;
