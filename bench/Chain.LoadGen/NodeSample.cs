namespace Chain.LoadGen;

/// <summary>Each node's height and mempool size at one moment (-1 when the node did not answer).</summary>
public sealed record NodeSample(double At, long[] Heights, long[] MempoolSizes);
