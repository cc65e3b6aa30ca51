using System.Text.Json;
using Chain.Crypto;

namespace Chain.Client.Keys;

/// <summary>
/// node_key.json and priv_validator_key.json: {address, public_key, private_key}, all hex, mode 0600; a file that
/// group or others may read is refused on read.
/// Like the test keyring these are unencrypted; guard the home directory.
/// </summary>
public static class KeyPairFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Write(string path, PrivateKey key, bool overwrite = false)
    {
        var content = new KeyFileContent
        {
            Address = Convert.ToHexStringLower(key.Address),
            PublicKey = Convert.ToHexStringLower(key.PublicKey),
            PrivateKey = Convert.ToHexStringLower(key.ToBytes()),
        };
        SecretFile.Write(path, JsonSerializer.Serialize(content, Json) + Environment.NewLine, overwrite);
    }

    /// <summary>Reads the key and checks that the stored public key and address belong to it.</summary>
    public static PrivateKey Read(string path)
    {
        var name = Path.GetFileName(path);
        KeyFileContent? content;
        try
        {
            SecretFile.RefuseIfShared(path);
            content = JsonSerializer.Deserialize<KeyFileContent>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyringException($"{path}: key file not found (run `chaind init`)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new KeyringException($"{path}: cannot read the key file: {e.Message}", e);
        }

        if (content is null)
        {
            throw new KeyringException($"{name}: the key file is empty");
        }

        var key = ParsePrivateKey(content.PrivateKey, name);
        if (!string.Equals(content.PublicKey, Convert.ToHexStringLower(key.PublicKey), StringComparison.OrdinalIgnoreCase)
            || !string.Equals(content.Address, Convert.ToHexStringLower(key.Address), StringComparison.OrdinalIgnoreCase))
        {
            throw new KeyringException($"{name}: public_key or address does not belong to private_key");
        }

        return key;
    }

    /// <summary>Decodes 64 hex characters of a secp256k1 secret key.</summary>
    public static PrivateKey ParsePrivateKey(string hex, string source)
    {
        hex = hex.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != Secp256k1.PrivateKeySize * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new KeyringException($"{source}: a private key is {Secp256k1.PrivateKeySize * 2} hex characters");
        }

        var bytes = Convert.FromHexString(hex);
        if (!Secp256k1.IsValidPrivateKey(bytes))
        {
            throw new KeyringException($"{source}: not a valid secp256k1 private key");
        }

        return PrivateKey.FromBytes(bytes);
    }
}
