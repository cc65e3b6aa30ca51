using System.Globalization;
using System.Text;
using Chain.Crypto;

namespace Chain.Client.Keys;

/// <summary>
/// The ASCII armor of `chaind keys export`: a private key sealed under an export passphrase
/// (<see cref="PassphraseBox"/>), with every parameter needed to open it in the header:
/// <code>
/// -----BEGIN CHAIN PRIVATE KEY-----
/// version: 1
/// type: secp256k1
/// kdf: argon2id
/// memory_kib: 65536
/// iterations: 3
/// parallelism: 1
/// salt: (32 hex)
/// cipher: xchacha20poly1305
/// nonce: (48 hex)
///
/// (base64 of ciphertext and tag)
/// -----END CHAIN PRIVATE KEY-----
/// </code>
/// The header lines are the AEAD's associated data, so a changed header fails like a changed ciphertext.
/// </summary>
public static class KeyArmor
{
    public const string Begin = "-----BEGIN CHAIN PRIVATE KEY-----";
    public const string End = "-----END CHAIN PRIVATE KEY-----";
    public const int Version = 1;
    public const string KeyType = "secp256k1";

    /// <summary>Largest armor read: the real one is under 1 KiB.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly string[] HeaderOrder = ["version", "type", "kdf", "memory_kib", "iterations", "parallelism", "salt", "cipher", "nonce"];

    public static string Write(PrivateKey key, string passphrase, KdfParameters? kdf = null)
    {
        kdf ??= KdfParameters.Default;
        var secret = key.ToBytes();
        SealedSecret box;
        try
        {
            box = SealWithHeader(secret, passphrase, kdf);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }

        var text = new StringBuilder();
        text.Append(Begin).Append('\n');
        text.Append(Header(box.Kdf, box.Salt, box.Nonce)).Append('\n');
        var body = Convert.ToBase64String(box.Ciphertext);
        for (var i = 0; i < body.Length; i += 64)
        {
            text.Append(body.AsSpan(i, Math.Min(64, body.Length - i))).Append('\n');
        }

        text.Append(End).Append('\n');
        return text.ToString();
    }

    /// <summary>The key in <paramref name="armor"/>; malformed armor, a wrong passphrase or any change is a <see cref="KeyringException"/>.</summary>
    public static PrivateKey Read(string armor, string passphrase)
    {
        if (armor.Length > MaxBytes)
        {
            throw new KeyringException($"armor: longer than {MaxBytes} characters");
        }

        var lines = armor.Replace("\r\n", "\n", StringComparison.Ordinal).Trim().Split('\n');
        if (lines.Length < 4 || lines[0] != Begin || lines[^1] != End)
        {
            throw new KeyringException($"armor: expected a '{Begin}' line first and an '{End}' line last");
        }

        var blank = Array.IndexOf(lines, string.Empty);
        if (blank < 0)
        {
            throw new KeyringException("armor: no blank line between the header and the body");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines[1..blank])
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new KeyringException($"armor: header line '{line}' is not 'name: value'");
            }

            var name = line[..colon];
            if (!HeaderOrder.Contains(name))
            {
                throw new KeyringException($"armor: unknown header '{name}'");
            }

            if (!fields.TryAdd(name, line[(colon + 2)..]))
            {
                throw new KeyringException($"armor: header '{name}' appears twice");
            }
        }

        foreach (var name in HeaderOrder)
        {
            if (!fields.ContainsKey(name))
            {
                throw new KeyringException($"armor: header '{name}' is missing");
            }
        }

        if (fields["version"] != Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new KeyringException($"armor: version {fields["version"]} is not supported (this client reads version {Version})");
        }

        Expect(fields, "type", KeyType);
        Expect(fields, "kdf", PassphraseBox.KdfName);
        Expect(fields, "cipher", PassphraseBox.CipherName);
        var kdf = new KdfParameters(Int(fields, "memory_kib"), Int(fields, "iterations"), Int(fields, "parallelism"));
        var box = new SealedSecret(kdf, Hex(fields, "salt"), Hex(fields, "nonce"), Body(lines[(blank + 1)..^1]));
        var secret = PassphraseBox.Open(box, passphrase, Encoding.UTF8.GetBytes(Header(kdf, box.Salt, box.Nonce)), "armor");
        try
        {
            if (secret.Length != Secp256k1.PrivateKeySize || !Secp256k1.IsValidPrivateKey(secret))
            {
                throw new KeyringException("armor: the sealed secret is not a secp256k1 private key");
            }

            return PrivateKey.FromBytes(secret);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static SealedSecret SealWithHeader(byte[] secret, string passphrase, KdfParameters kdf)
    {
        // The associated data is the header, which names the salt and nonce: draw them first.
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(PassphraseBox.SaltSize);
        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(PassphraseBox.NonceSize);
        return PassphraseBox.Seal(secret, passphrase, Encoding.UTF8.GetBytes(Header(kdf, salt, nonce)), kdf, salt, nonce);
    }

    private static string Header(KdfParameters kdf, byte[] salt, byte[] nonce)
    {
        var text = new StringBuilder();
        text.Append("version: ").Append(Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("type: ").Append(KeyType).Append('\n');
        text.Append("kdf: ").Append(PassphraseBox.KdfName).Append('\n');
        text.Append("memory_kib: ").Append(kdf.MemoryKib.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("iterations: ").Append(kdf.Iterations.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("parallelism: ").Append(kdf.Parallelism.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("salt: ").Append(Convert.ToHexStringLower(salt)).Append('\n');
        text.Append("cipher: ").Append(PassphraseBox.CipherName).Append('\n');
        text.Append("nonce: ").Append(Convert.ToHexStringLower(nonce)).Append('\n');
        return text.ToString();
    }

    private static void Expect(Dictionary<string, string> fields, string name, string value)
    {
        if (fields[name] != value)
        {
            throw new KeyringException($"armor: {name} '{fields[name]}' is not supported (expected '{value}')");
        }
    }

    private static int Int(Dictionary<string, string> fields, string name)
    {
        if (!int.TryParse(fields[name], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new KeyringException($"armor: {name} '{fields[name]}' is not a whole number");
        }

        return value;
    }

    private static byte[] Hex(Dictionary<string, string> fields, string name)
    {
        var text = fields[name];
        if (text.Length > 128 || text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            throw new KeyringException($"armor: {name} is not hex");
        }

        return Convert.FromHexString(text);
    }

    private static byte[] Body(string[] lines)
    {
        try
        {
            return Convert.FromBase64String(string.Concat(lines));
        }
        catch (FormatException e)
        {
            throw new KeyringException("armor: the body is not base64", e);
        }
    }
}
