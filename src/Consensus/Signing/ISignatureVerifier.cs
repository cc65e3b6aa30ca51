namespace Chain.Consensus.Signing;

/// <summary>Checks a signature over canonical sign bytes; a pure function of its arguments.</summary>
public interface ISignatureVerifier
{
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signBytes, ReadOnlySpan<byte> signature);
}
