namespace Chain.State.Modules;

/// <summary>
/// A change a module's EndBlock asks of the validator set: <see cref="PublicKey"/> (33-byte compressed secp256k1)
/// gets <see cref="Power"/>; power 0 removes the validator. Updates returned at height H take effect at H+2.
/// </summary>
public sealed record ValidatorPowerUpdate(byte[] PublicKey, long Power);
