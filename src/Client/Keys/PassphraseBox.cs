using System.Security.Cryptography;
using NSec.Cryptography;

namespace Chain.Client.Keys;

/// <summary>
/// Seals a secret under a passphrase: Argon2id (libsodium, through NSec) turns the passphrase and a random 16-byte
/// salt into a 32-byte key, and XChaCha20-Poly1305 encrypts the secret with a random 24-byte nonce, authenticating
/// <c>associatedData</c> too (the clear fields stored beside it). NSec has both primitives but no format that stores
/// the salt, nonce and cost with the ciphertext; this class is only that glue.
/// </summary>
public static class PassphraseBox
{
    public const string KdfName = "argon2id";
    public const string CipherName = "xchacha20poly1305";
    public const int SaltSize = 16;
    public const int NonceSize = 24;

    /// <summary>Longest passphrase accepted (bytes of UTF-8 count once as characters here).</summary>
    public const int MaxPassphraseLength = 1024;

    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;

    /// <summary>Seals with a fresh random salt and nonce.</summary>
    public static SealedSecret Seal(ReadOnlySpan<byte> secret, string passphrase, ReadOnlySpan<byte> associatedData, KdfParameters? kdf = null) =>
        Seal(secret, passphrase, associatedData, kdf ?? KdfParameters.Default, RandomNumberGenerator.GetBytes(SaltSize), RandomNumberGenerator.GetBytes(NonceSize));

    /// <summary>Seals with a salt and nonce the caller drew (fresh random ones: the armor names them in its associated data).</summary>
    public static SealedSecret Seal(ReadOnlySpan<byte> secret, string passphrase, ReadOnlySpan<byte> associatedData, KdfParameters kdf, byte[] salt, byte[] nonce)
    {
        CheckPassphrase(passphrase);
        if (kdf.Check() is { } bad)
        {
            throw new KeyringException(bad);
        }

        if (salt.Length != SaltSize || nonce.Length != NonceSize)
        {
            throw new KeyringException($"salt must be {SaltSize} bytes and nonce {NonceSize} bytes");
        }

        using var key = DeriveKey(passphrase, salt, kdf);
        return new SealedSecret(kdf, salt, nonce, Aead.Encrypt(key, nonce, associatedData, secret));
    }

    /// <summary>The secret; a wrong passphrase or any changed byte (of the ciphertext or the associated data) is a <see cref="KeyringException"/>.</summary>
    public static byte[] Open(SealedSecret sealedSecret, string passphrase, ReadOnlySpan<byte> associatedData, string what)
    {
        if (sealedSecret.Kdf.Check() is { } bad)
        {
            throw new KeyringException($"{what}: {bad}");
        }

        if (sealedSecret.Salt.Length != SaltSize || sealedSecret.Nonce.Length != NonceSize || sealedSecret.Ciphertext.Length < Aead.TagSize)
        {
            throw new KeyringException($"{what}: salt must be {SaltSize} bytes, nonce {NonceSize} bytes and the ciphertext at least {Aead.TagSize} bytes");
        }

        CheckPassphrase(passphrase);
        using var key = DeriveKey(passphrase, sealedSecret.Salt, sealedSecret.Kdf);
        var plaintext = new byte[sealedSecret.Ciphertext.Length - Aead.TagSize];
        if (!Aead.Decrypt(key, sealedSecret.Nonce, associatedData, sealedSecret.Ciphertext, plaintext))
        {
            throw new KeyringException($"{what}: wrong passphrase, or the encrypted data was changed");
        }

        return plaintext;
    }

    private static void CheckPassphrase(string passphrase)
    {
        if (passphrase.Length == 0)
        {
            throw new KeyringException("the passphrase is empty");
        }

        if (passphrase.Length > MaxPassphraseLength)
        {
            throw new KeyringException($"the passphrase is longer than {MaxPassphraseLength} characters");
        }
    }

    private static Key DeriveKey(string passphrase, byte[] salt, KdfParameters kdf)
    {
        var argon = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = kdf.Parallelism,
            MemorySize = kdf.MemoryKib,
            NumberOfPasses = kdf.Iterations,
        });
        var bytes = argon.DeriveBytes(passphrase, salt, Aead.KeySize);
        try
        {
            return Key.Import(Aead, bytes, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
