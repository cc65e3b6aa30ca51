namespace Chain.Client.Cli;

/// <summary>A user error: printed as one line on stderr, exit code 1, no stack trace.</summary>
public sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
