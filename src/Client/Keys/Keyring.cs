using System.Text.Json;
using System.Text.RegularExpressions;
using Chain.Crypto;

namespace Chain.Client.Keys;

/// <summary>
/// A keyring: one &lt;name&gt;.json per key in a 0700 directory, each file 0600 (both checked on read).
/// <list type="bullet">
/// <item><see cref="KeyringBackend.File"/> (keyring-file/): name, address and public key in clear, the private key
/// sealed under the key's own passphrase (Argon2id + XChaCha20-Poly1305, <see cref="PassphraseBox"/>).</item>
/// <item><see cref="KeyringBackend.Test"/> (keyring/): the private key in clear hex, like the Cosmos SDK's
/// `--keyring-backend test`. For testnets and tests: do not hold real funds with it.</item>
/// </list>
/// Passphrases come from the <see cref="IPassphraseSource"/>; the test backend never asks.
/// </summary>
public sealed partial class Keyring
{
    public const string NameRule = "1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'";

    /// <summary>Largest key file read: a real one is under 1 KiB.</summary>
    private const long MaxKeyFileBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly IPassphraseSource? _passphrases;
    private readonly KdfParameters _kdf;

    /// <summary>The test backend in <paramref name="directory"/>.</summary>
    public Keyring(string directory)
        : this(directory, KeyringBackend.Test, null)
    {
    }

    /// <summary>A keyring of <paramref name="backend"/> in <paramref name="directory"/>; the file backend needs <paramref name="passphrases"/> to add or read private keys.</summary>
    public Keyring(string directory, KeyringBackend backend, IPassphraseSource? passphrases, KdfParameters? kdf = null)
    {
        Directory = directory;
        Backend = backend;
        _passphrases = passphrases;
        _kdf = kdf ?? KdfParameters.Default;
    }

    public string Directory { get; }

    public KeyringBackend Backend { get; }

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Creates a new random key (no mnemonic).</summary>
    public KeyInfo Add(string name) => Import(name, PrivateKey.Generate());

    /// <summary>Creates a key from a fresh 24-word mnemonic at <paramref name="path"/>; the mnemonic is returned once and stored nowhere.</summary>
    public (KeyInfo Info, string Mnemonic) AddFromNewMnemonic(string name, HdPath path)
    {
        RefuseExisting(name);
        var mnemonic = MnemonicKey.NewMnemonic();
        return (Import(name, MnemonicKey.Derive(mnemonic, path)), mnemonic);
    }

    /// <summary>Stores <paramref name="key"/> under <paramref name="name"/>; an existing name is an error and nothing is written.</summary>
    public KeyInfo Import(string name, PrivateKey key)
    {
        var path = RefuseExisting(name);
        var info = Describe(name, key);
        string text;
        if (Backend == KeyringBackend.Test)
        {
            text = JsonSerializer.Serialize(
                new KeyFileContent { Name = name, Address = info.Address, PublicKey = info.PublicKey, PrivateKey = Convert.ToHexStringLower(key.ToBytes()) },
                Json);
        }
        else
        {
            var passphrase = Passphrases().Get($"key '{name}'", isNew: true);
            var secret = key.ToBytes();
            SealedSecret box;
            try
            {
                box = PassphraseBox.Seal(secret, passphrase, EncryptedKeyFileContent.AssociatedData(name, info.Address, info.PublicKey), _kdf);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            }

            text = JsonSerializer.Serialize(
                new EncryptedKeyFileContent
                {
                    Version = EncryptedKeyFileContent.CurrentVersion,
                    Name = name,
                    Address = info.Address,
                    PublicKey = info.PublicKey,
                    Kdf = PassphraseBox.KdfName,
                    MemoryKib = box.Kdf.MemoryKib,
                    Iterations = box.Kdf.Iterations,
                    Parallelism = box.Kdf.Parallelism,
                    Salt = Convert.ToHexStringLower(box.Salt),
                    Cipher = PassphraseBox.CipherName,
                    Nonce = Convert.ToHexStringLower(box.Nonce),
                    Ciphertext = Convert.ToBase64String(box.Ciphertext),
                },
                Json);
        }

        SecretFile.CreatePrivateDirectory(Directory);
        try
        {
            SecretFile.Write(path, text + Environment.NewLine, overwrite: false);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new KeyringException($"key '{name}' already exists", e);
        }

        return info;
    }

    /// <summary>Reads <paramref name="armor"/> (from `keys export`) with its passphrase and stores the key as <paramref name="name"/>; nothing is written unless it opens.</summary>
    public KeyInfo ImportArmor(string name, string armor, IPassphraseSource armorPassphrase)
    {
        RefuseExisting(name);
        var key = KeyArmor.Read(armor, armorPassphrase.Get("the armored key", isNew: false));
        return Import(name, key);
    }

    /// <summary>The key of <paramref name="name"/> as armor sealed under a new export passphrase.</summary>
    public string ExportArmor(string name, IPassphraseSource armorPassphrase)
    {
        var key = GetPrivateKey(name);
        return KeyArmor.Write(key, armorPassphrase.Get("the exported key", isNew: true), _kdf);
    }

    /// <summary>Every key, by name.</summary>
    public IReadOnlyList<KeyInfo> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        SecretFile.RefuseIfSharedDirectory(Directory);
        return System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(IsValidName)
            .Order(StringComparer.Ordinal)
            .Select(n => Show(n!))
            .ToArray();
    }

    public bool Contains(string name) => File.Exists(PathOf(name));

    /// <summary>The public side of <paramref name="name"/>; the file backend needs no passphrase for it.</summary>
    public KeyInfo Show(string name)
    {
        if (Backend == KeyringBackend.Test)
        {
            return Describe(name, GetPrivateKey(name));
        }

        var content = ReadEncrypted(name);
        return new KeyInfo(name, content.Address, content.PublicKey);
    }

    /// <summary>Deletes <paramref name="name"/>'s file; a missing key is an error.</summary>
    public void Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new KeyringException($"key '{name}' not found in {Directory}");
        }

        File.Delete(path);
    }

    /// <summary>Loads the secret key of <paramref name="name"/>, checking the file is consistent (and, for the file backend, the passphrase).</summary>
    public PrivateKey GetPrivateKey(string name)
    {
        if (Backend == KeyringBackend.File)
        {
            return OpenEncrypted(name);
        }

        var path = PathOf(name);
        var content = ReadJson<KeyFileContent>(name, path);
        var key = KeyPairFile.ParsePrivateKey(content.PrivateKey, $"key '{name}'");
        var info = Describe(name, key);
        if (content.Address != info.Address || !string.Equals(content.PublicKey, info.PublicKey, StringComparison.OrdinalIgnoreCase))
        {
            throw new KeyringException($"key '{name}': address or public_key in {Path.GetFileName(path)} does not belong to its private_key");
        }

        return key;
    }

    private PrivateKey OpenEncrypted(string name)
    {
        var content = ReadEncrypted(name);
        var box = new SealedSecret(
            new KdfParameters(content.MemoryKib, content.Iterations, content.Parallelism),
            HexField(content.Salt, name, "salt"),
            HexField(content.Nonce, name, "nonce"),
            Base64Field(content.Ciphertext, name));
        var passphrase = Passphrases().Get($"key '{name}'", isNew: false);
        var secret = PassphraseBox.Open(box, passphrase, EncryptedKeyFileContent.AssociatedData(name, content.Address, content.PublicKey), $"key '{name}'");
        try
        {
            if (secret.Length != Secp256k1.PrivateKeySize || !Secp256k1.IsValidPrivateKey(secret))
            {
                throw new KeyringException($"key '{name}': the sealed secret is not a secp256k1 private key");
            }

            var key = PrivateKey.FromBytes(secret);
            var info = Describe(name, key);
            if (info.Address != content.Address || !string.Equals(info.PublicKey, content.PublicKey, StringComparison.OrdinalIgnoreCase))
            {
                throw new KeyringException($"key '{name}': address or public_key does not belong to the sealed private key");
            }

            return key;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    private EncryptedKeyFileContent ReadEncrypted(string name)
    {
        var path = PathOf(name);
        var content = ReadJson<EncryptedKeyFileContent>(name, path);
        if (content.Version != EncryptedKeyFileContent.CurrentVersion)
        {
            throw new KeyringException($"key '{name}': {Path.GetFileName(path)} has version {content.Version}; this client reads version {EncryptedKeyFileContent.CurrentVersion} (is it a test-backend key? use --keyring-backend test)");
        }

        if (content.Name != name || content.Kdf != PassphraseBox.KdfName || content.Cipher != PassphraseBox.CipherName)
        {
            throw new KeyringException($"key '{name}': {Path.GetFileName(path)} names another key, kdf or cipher (expected {PassphraseBox.KdfName}, {PassphraseBox.CipherName})");
        }

        return content;
    }

    private T ReadJson<T>(string name, string path)
        where T : class
    {
        try
        {
            if (!File.Exists(path))
            {
                throw new KeyringException($"key '{name}' not found in {Directory}");
            }

            SecretFile.RefuseIfSharedDirectory(Directory);
            SecretFile.RefuseIfShared(path);
            if (new FileInfo(path).Length > MaxKeyFileBytes)
            {
                throw new KeyringException($"key '{name}': {path} is larger than {MaxKeyFileBytes} bytes");
            }

            return JsonSerializer.Deserialize<T>(File.ReadAllText(path))
                ?? throw new KeyringException($"key '{name}': {Path.GetFileName(path)} is empty");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyringException($"key '{name}' not found in {Directory}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new KeyringException($"key '{name}': cannot read {path}: {e.Message}", e);
        }
    }

    private IPassphraseSource Passphrases() =>
        _passphrases ?? throw new KeyringException("the file keyring needs a passphrase, and none can be asked for here");

    private string RefuseExisting(string name)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            throw new KeyringException($"key '{name}' already exists");
        }

        return path;
    }

    private static byte[] HexField(string text, string name, string field)
    {
        if (text.Length > 128 || text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            throw new KeyringException($"key '{name}': {field} is not hex");
        }

        return Convert.FromHexString(text);
    }

    private static byte[] Base64Field(string text, string name)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new KeyringException($"key '{name}': ciphertext is not base64", e);
        }
    }

    private static KeyInfo Describe(string name, PrivateKey key) =>
        new(name, Address.ToBech32(key.Address), Convert.ToHexStringLower(key.PublicKey));

    private string PathOf(string name)
    {
        if (!IsValidName(name))
        {
            throw new KeyringException($"invalid key name '{name}': use {NameRule}");
        }

        return Path.Combine(Directory, name + ".json");
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
