using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Chain.Crypto.Native;

/// <summary>
/// P/Invoke bindings to the native libsecp256k1 (Debian package libsecp256k1-1). Written by hand:
/// the managed ports (NBitcoin.Secp256k1, Secp256k1.Net) are not available in the package registry.
/// Opaque structs are passed as byte buffers of the sizes the library documents.
/// </summary>
internal static partial class Secp256k1Native
{
    internal const string Library = "secp256k1";

    internal const uint ContextNone = 1;
    internal const uint EcCompressed = (1 << 1) | (1 << 8);
    internal const int PubKeySize = 64;
    internal const int SignatureSize = 64;
    internal const int KeyPairSize = 96;
    internal const int XOnlyPubKeySize = 64;

    static Secp256k1Native()
    {
        NativeLibrary.SetDllImportResolver(typeof(Secp256k1Native).Assembly, Resolve);
    }

    /// <summary>Runs the static constructor so the resolver is installed before the first call.</summary>
    internal static void EnsureResolver() => RuntimeHelpers.RunClassConstructor(typeof(Secp256k1Native).TypeHandle);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in new[] { "libsecp256k1.so.1", "libsecp256k1.so.2", "libsecp256k1.so", "libsecp256k1.dylib" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            "libsecp256k1 was not found. Install it with `sudo apt-get install -y libsecp256k1-1` (Debian/Ubuntu).");
    }

    [LibraryImport(Library, EntryPoint = "secp256k1_context_create")]
    internal static partial IntPtr ContextCreate(uint flags);

    [LibraryImport(Library, EntryPoint = "secp256k1_context_randomize")]
    internal static unsafe partial int ContextRandomize(IntPtr ctx, byte* seed32);

    [LibraryImport(Library, EntryPoint = "secp256k1_ec_seckey_verify")]
    internal static unsafe partial int SecKeyVerify(IntPtr ctx, byte* seckey);

    [LibraryImport(Library, EntryPoint = "secp256k1_ec_pubkey_create")]
    internal static unsafe partial int PubKeyCreate(IntPtr ctx, byte* pubkey, byte* seckey);

    [LibraryImport(Library, EntryPoint = "secp256k1_ec_pubkey_serialize")]
    internal static unsafe partial int PubKeySerialize(IntPtr ctx, byte* output, nuint* outputLen, byte* pubkey, uint flags);

    [LibraryImport(Library, EntryPoint = "secp256k1_ec_pubkey_parse")]
    internal static unsafe partial int PubKeyParse(IntPtr ctx, byte* pubkey, byte* input, nuint inputLen);

    [LibraryImport(Library, EntryPoint = "secp256k1_ecdsa_sign")]
    internal static unsafe partial int EcdsaSign(IntPtr ctx, byte* sig, byte* msg32, byte* seckey, IntPtr nonceFp, IntPtr nonceData);

    [LibraryImport(Library, EntryPoint = "secp256k1_ecdsa_verify")]
    internal static unsafe partial int EcdsaVerify(IntPtr ctx, byte* sig, byte* msg32, byte* pubkey);

    [LibraryImport(Library, EntryPoint = "secp256k1_ecdsa_signature_serialize_compact")]
    internal static unsafe partial int SignatureSerializeCompact(IntPtr ctx, byte* output64, byte* sig);

    [LibraryImport(Library, EntryPoint = "secp256k1_ecdsa_signature_parse_compact")]
    internal static unsafe partial int SignatureParseCompact(IntPtr ctx, byte* sig, byte* input64);

    [LibraryImport(Library, EntryPoint = "secp256k1_ecdsa_signature_normalize")]
    internal static unsafe partial int SignatureNormalize(IntPtr ctx, byte* sigOut, byte* sigIn);

    [LibraryImport(Library, EntryPoint = "secp256k1_keypair_create")]
    internal static unsafe partial int KeyPairCreate(IntPtr ctx, byte* keypair, byte* seckey);

    [LibraryImport(Library, EntryPoint = "secp256k1_keypair_xonly_pub")]
    internal static unsafe partial int KeyPairXOnlyPub(IntPtr ctx, byte* pubkey, int* parity, byte* keypair);

    [LibraryImport(Library, EntryPoint = "secp256k1_xonly_pubkey_serialize")]
    internal static unsafe partial int XOnlyPubKeySerialize(IntPtr ctx, byte* output32, byte* pubkey);

    [LibraryImport(Library, EntryPoint = "secp256k1_xonly_pubkey_parse")]
    internal static unsafe partial int XOnlyPubKeyParse(IntPtr ctx, byte* pubkey, byte* input32);

    [LibraryImport(Library, EntryPoint = "secp256k1_schnorrsig_sign32")]
    internal static unsafe partial int SchnorrSign32(IntPtr ctx, byte* sig64, byte* msg32, byte* keypair, byte* auxRand32);

    [LibraryImport(Library, EntryPoint = "secp256k1_schnorrsig_verify")]
    internal static unsafe partial int SchnorrVerify(IntPtr ctx, byte* sig64, byte* msg, nuint msgLen, byte* pubkey);

    [LibraryImport(Library, EntryPoint = "secp256k1_ecdh")]
    internal static unsafe partial int Ecdh(IntPtr ctx, byte* output32, byte* pubkey, byte* seckey, IntPtr hashFp, IntPtr data);
}
