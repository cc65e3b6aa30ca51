using System.Text.Json.Serialization;

namespace Chain.Client.Keys;

/// <summary>The JSON of a key file: keyring entries carry a name; node and validator key files do not.</summary>
internal sealed record KeyFileContent
{
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [JsonPropertyName("address")]
    public string Address { get; init; } = string.Empty;

    [JsonPropertyName("public_key")]
    public string PublicKey { get; init; } = string.Empty;

    [JsonPropertyName("private_key")]
    public string PrivateKey { get; init; } = string.Empty;
}
