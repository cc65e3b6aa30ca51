namespace Chain.Client.Keys;

/// <summary>A secret sealed by <see cref="PassphraseBox"/>: what must be stored to open it again with the passphrase.</summary>
public sealed record SealedSecret(KdfParameters Kdf, byte[] Salt, byte[] Nonce, byte[] Ciphertext);
