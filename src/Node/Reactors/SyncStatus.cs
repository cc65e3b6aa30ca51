namespace Chain.Node.Reactors;

/// <summary>Where block sync stands, as status, health, metrics and the log report it.</summary>
/// <param name="CatchingUp">The node is behind its peers by more than consensus closes by itself (CometBFT's catching_up).</param>
/// <param name="LatestHeight">This node's last committed height.</param>
/// <param name="TargetHeight">The highest height a connected peer reports (0 before any peer reports).</param>
/// <param name="BlocksPerSecond">Blocks applied by sync per second over the last <see cref="SyncProgress.Window"/> (0: none lately).</param>
/// <param name="SecondsLeft">Estimated seconds until caught up at that rate (0 when not catching up or no rate yet).</param>
public sealed record SyncStatus(bool CatchingUp, ulong LatestHeight, ulong TargetHeight, double BlocksPerSecond, double SecondsLeft);
