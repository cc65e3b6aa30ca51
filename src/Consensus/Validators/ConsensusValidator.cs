namespace Chain.Consensus.Validators;

/// <summary>One member of a validator set: its address (first 20 bytes of SHA-256 of the public key),
/// consensus public key, voting power and proposer priority.</summary>
public sealed record ConsensusValidator(byte[] Address, byte[] PublicKey, long VotingPower, long ProposerPriority)
{
    public string AddressHex => Convert.ToHexString(Address);
}
