using System.Text.Json.Serialization;

namespace Chain.Client.Keys;

/// <summary>
/// The JSON of a file-backend keyring entry: name, address and public key in clear (so list and show need no
/// passphrase), the private key sealed by <see cref="PassphraseBox"/> with the clear fields as associated data.
/// </summary>
internal sealed record EncryptedKeyFileContent
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    [JsonPropertyName("address")]
    public string Address { get; init; } = string.Empty;

    [JsonPropertyName("public_key")]
    public string PublicKey { get; init; } = string.Empty;

    [JsonPropertyName("kdf")]
    public string Kdf { get; init; } = string.Empty;

    [JsonPropertyName("memory_kib")]
    public int MemoryKib { get; init; }

    [JsonPropertyName("iterations")]
    public int Iterations { get; init; }

    [JsonPropertyName("parallelism")]
    public int Parallelism { get; init; }

    [JsonPropertyName("salt")]
    public string Salt { get; init; } = string.Empty;

    [JsonPropertyName("cipher")]
    public string Cipher { get; init; } = string.Empty;

    [JsonPropertyName("nonce")]
    public string Nonce { get; init; } = string.Empty;

    [JsonPropertyName("ciphertext")]
    public string Ciphertext { get; init; } = string.Empty;

    /// <summary>What the AEAD authenticates beside the ciphertext: a changed name, address or public key fails to open.</summary>
    public static byte[] AssociatedData(string name, string address, string publicKey) =>
        System.Text.Encoding.UTF8.GetBytes($"chain-keyring-file/v{CurrentVersion}\n{name}\n{address}\n{publicKey}");
}
