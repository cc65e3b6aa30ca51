namespace Chain.Client.Cli;

/// <summary>How query, status and tx results are printed.</summary>
public enum OutputFormat
{
    Text,
    Json,
}
