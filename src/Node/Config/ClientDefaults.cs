using Chain.Client.Keys;

namespace Chain.Node.Config;

/// <summary>[client]: defaults of the client commands (keys, tx, genesis) run against this home.</summary>
public sealed record ClientDefaults
{
    /// <summary>The keyring backend when --keyring-backend is not given: file (encrypted) outside testnets.</summary>
    public KeyringBackend KeyringBackend { get; init; } = KeyringBackend.File;
}
