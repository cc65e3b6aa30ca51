namespace Chain.Client.Keys;

/// <summary>The public side of a keyring key.</summary>
/// <param name="Name">The key's name in the keyring.</param>
/// <param name="Address">Bech32 account address ("chain1...").</param>
/// <param name="PublicKey">Hex of the 33-byte compressed public key.</param>
public sealed record KeyInfo(string Name, string Address, string PublicKey);
