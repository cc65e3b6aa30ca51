using System.Runtime.InteropServices;

namespace Chain.Crypto.Native;

/// <summary>
/// SHA-256 through OpenSSL's low-level <c>SHA256_Init/Update/Final</c> in the libcrypto the runtime itself uses, with
/// the context on the caller's stack. Written by hand: .NET's hashing (and every NuGet package that wraps it) goes
/// through OpenSSL's EVP layer, whose per-call dispatch and error-queue clearing (<c>ERR_clear_error</c>) cost more
/// than hashing the 32-100 bytes the state tree hashes 11 times per leaf update (docs/benchmarks.md, "State tree");
/// the low-level calls run the same SHA-NI code without them. Resolved at run time: where libcrypto 3 or these
/// (deprecated, still exported) functions are missing, <see cref="Available"/> is false and <see cref="Hashes"/> uses
/// .NET's hashing.
/// </summary>
internal static unsafe class OpenSslSha256
{
    /// <summary>Bytes of stack given to OpenSSL's SHA256_CTX (112 bytes in OpenSSL 3).</summary>
    private const int ContextBytes = 256;

    /// <summary>Up to this many bytes the calls skip the runtime's GC transition: they finish within a microsecond or two.</summary>
    private const int ShortInput = 4096;

    private static readonly delegate* unmanaged<byte*, int> s_init;
    private static readonly delegate* unmanaged<byte*, byte*, nuint, int> s_update;
    private static readonly delegate* unmanaged<byte*, byte*, int> s_final;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> s_initShort;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> s_updateShort;
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> s_finalShort;

    static OpenSslSha256()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var name in new[] { "libcrypto.so.3", "libcrypto.so" })
        {
            if (NativeLibrary.TryLoad(name, out var library)
                && NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(library, "SHA256_Update", out var update)
                && NativeLibrary.TryGetExport(library, "SHA256_Final", out var final))
            {
                s_init = (delegate* unmanaged<byte*, int>)init;
                s_update = (delegate* unmanaged<byte*, byte*, nuint, int>)update;
                s_final = (delegate* unmanaged<byte*, byte*, int>)final;
                s_initShort = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init;
                s_updateShort = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
                s_finalShort = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
                return;
            }
        }
    }

    /// <summary>Whether libcrypto's low-level SHA-256 was found.</summary>
    public static bool Available => s_init != null;

    /// <summary>Hashes <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/>. Only when <see cref="Available"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        byte* context = stackalloc byte[ContextBytes];
        fixed (byte* input = data)
        fixed (byte* output = destination)
        {
            var ok = data.Length <= ShortInput
                ? s_initShort(context) == 1 && s_updateShort(context, input, (nuint)data.Length) == 1 && s_finalShort(output, context) == 1
                : s_init(context) == 1 && s_update(context, input, (nuint)data.Length) == 1 && s_final(output, context) == 1;
            if (!ok)
            {
                throw new System.Security.Cryptography.CryptographicException("OpenSSL's SHA256_Init/Update/Final failed");
            }
        }
    }
}
