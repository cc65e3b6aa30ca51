namespace Chain.Client.Keys;

/// <summary>A key that cannot be added, found or read; the message says which and why.</summary>
public sealed class KeyringException : Exception
{
    public KeyringException(string message)
        : base(message)
    {
    }

    public KeyringException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
