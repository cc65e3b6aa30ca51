using Chain.Crypto;

namespace Chain.Node.Genesis;

/// <summary>A validator of a new genesis: its operator account key, its node's consensus public key and its moniker.</summary>
public sealed record GenesisOperator(PrivateKey AccountKey, byte[] ConsensusPublicKey, string Moniker);
