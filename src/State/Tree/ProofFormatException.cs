namespace Chain.State.Tree;

/// <summary>The bytes given to <see cref="SparseMerkleProof.Decode"/> are not a well-formed proof.</summary>
public sealed class ProofFormatException : Exception
{
    public ProofFormatException(string message)
        : base(message)
    {
    }
}
