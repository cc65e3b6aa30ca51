namespace Chain.State.Tree;

/// <summary>A stored tree node or root record could not be decoded: the store is corrupt or was written by something else.</summary>
public sealed class NodeFormatException : Exception
{
    public NodeFormatException(string message)
        : base(message)
    {
    }
}
