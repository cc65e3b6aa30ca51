namespace Chain.Node.Genesis;

/// <summary>A genesis file that cannot be used; the message names the file and the key path.</summary>
public sealed class GenesisException : Exception
{
    public GenesisException(string message)
        : base(message)
    {
    }

    public GenesisException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
