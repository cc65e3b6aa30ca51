namespace Chain.Crypto;

/// <summary>The outcome of checking an ECDSA signature; each failure is told apart for error messages.</summary>
public enum SignatureCheck
{
    Valid = 0,
    Invalid = 1,
    MalformedSignature = 2,
    MalformedPublicKey = 3,

    /// <summary>A valid signature whose S is in the upper half of the order; only low-S forms are accepted.</summary>
    HighS = 4,
}
