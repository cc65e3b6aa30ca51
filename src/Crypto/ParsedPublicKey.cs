using System.Runtime.CompilerServices;

namespace Chain.Crypto;

/// <summary>
/// A compressed secp256k1 public key already parsed into libsecp256k1's in-memory form (64 bytes, meaningful only
/// inside this process; never store or send it). Parsing a compressed key decompresses the point, a field square
/// root; a tx keeps its signer's key in this form from decoding on, so verifying its signature does not parse it again.
/// Made only by <see cref="Secp256k1.TryParsePublicKey"/>; the default value is no key and never verifies.
/// </summary>
[InlineArray(Size)]
public struct ParsedPublicKey
{
    internal const int Size = 64;

    private byte _element0;
}
