namespace Chain.State.Tree;

/// <summary>The value of a key at a version (null when absent) and the proof of it against that version's root.</summary>
public sealed class StateProofResult
{
    public StateProofResult(byte[]? value, SparseMerkleProof proof)
    {
        Value = value;
        Proof = proof;
    }

    public byte[]? Value { get; }

    public SparseMerkleProof Proof { get; }
}
