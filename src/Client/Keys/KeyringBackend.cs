namespace Chain.Client.Keys;

/// <summary>Where and how a keyring keeps its keys (the Cosmos SDK's `--keyring-backend`).</summary>
public enum KeyringBackend
{
    /// <summary>Each private key encrypted under its own passphrase (Argon2id, XChaCha20-Poly1305) in keyring-file/.</summary>
    File,

    /// <summary>Private keys in clear hex in keyring/: for testnets and tests only.</summary>
    Test,
}

/// <summary>The names of <see cref="KeyringBackend"/> as typed in flags and config.</summary>
public static class KeyringBackends
{
    public const string Expected = "\"file\" or \"test\"";

    public static bool TryParse(string? text, out KeyringBackend backend)
    {
        switch (text)
        {
            case "file":
                backend = KeyringBackend.File;
                return true;
            case "test":
                backend = KeyringBackend.Test;
                return true;
            default:
                backend = default;
                return false;
        }
    }

    public static string Name(KeyringBackend backend) => backend == KeyringBackend.File ? "file" : "test";

    /// <summary>The keyring directory of <paramref name="backend"/> under a home root: keyring-file/ or keyring/.</summary>
    public static string DirectoryUnder(string homeRoot, KeyringBackend backend) =>
        Path.Combine(homeRoot, backend == KeyringBackend.File ? "keyring-file" : "keyring");
}
