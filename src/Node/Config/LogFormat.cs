namespace Chain.Node.Config;

/// <summary>How log lines are written to the console.</summary>
public enum LogFormat
{
    /// <summary>Human-readable lines.</summary>
    Plain,

    /// <summary>One compact JSON object per line.</summary>
    Json,
}
