using System.Text.Json;
using System.Text.RegularExpressions;
using Chain.Crypto;

namespace Chain.Client.Keys;

/// <summary>
/// The file keyring: one &lt;name&gt;.json per key under the home's keyring/ directory (0700),
/// each {name, address, public_key, private_key} in hex with mode 0600. Keys are NOT encrypted:
/// this is a test keyring, like the Cosmos SDK's `--keyring-backend test`. Do not hold real funds with it.
/// </summary>
public sealed partial class Keyring
{
    public const string NameRule = "1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public Keyring(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Creates a new random key.</summary>
    public KeyInfo Add(string name) => Import(name, PrivateKey.Generate());

    /// <summary>Stores <paramref name="key"/> under <paramref name="name"/>; an existing name is an error.</summary>
    public KeyInfo Import(string name, PrivateKey key)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            throw new KeyringException($"key '{name}' already exists");
        }

        SecretFile.CreatePrivateDirectory(Directory);
        var info = Describe(name, key);
        var content = new KeyFileContent
        {
            Name = name,
            Address = info.Address,
            PublicKey = info.PublicKey,
            PrivateKey = Convert.ToHexStringLower(key.ToBytes()),
        };
        try
        {
            SecretFile.Write(path, JsonSerializer.Serialize(content, Json) + Environment.NewLine, overwrite: false);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new KeyringException($"key '{name}' already exists", e);
        }

        return info;
    }

    /// <summary>Every key, by name.</summary>
    public IReadOnlyList<KeyInfo> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(IsValidName)
            .Order(StringComparer.Ordinal)
            .Select(n => Show(n!))
            .ToArray();
    }

    public bool Contains(string name) => File.Exists(PathOf(name));

    public KeyInfo Show(string name) => Describe(name, GetPrivateKey(name));

    /// <summary>Loads the secret key of <paramref name="name"/>, checking the file is consistent.</summary>
    public PrivateKey GetPrivateKey(string name)
    {
        var path = PathOf(name);
        KeyFileContent? content;
        try
        {
            content = JsonSerializer.Deserialize<KeyFileContent>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyringException($"key '{name}' not found in {Directory}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new KeyringException($"key '{name}': cannot read {path}: {e.Message}", e);
        }

        var fileName = Path.GetFileName(path);
        if (content is null)
        {
            throw new KeyringException($"key '{name}': {fileName} is empty");
        }

        var key = KeyPairFile.ParsePrivateKey(content.PrivateKey, $"key '{name}'");
        var info = Describe(name, key);
        if (content.Address != info.Address || !string.Equals(content.PublicKey, info.PublicKey, StringComparison.OrdinalIgnoreCase))
        {
            throw new KeyringException($"key '{name}': address or public_key in {fileName} does not belong to its private_key");
        }

        return key;
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
