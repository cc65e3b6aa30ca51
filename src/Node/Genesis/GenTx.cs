using Chain.Crypto;
using Chain.Modules.Staking.Handlers;
using Chain.Proto.Staking;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Transactions;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Node.Genesis;

/// <summary>
/// A genesis transaction (gentx, as `simd genesis gentx` makes): a Tx holding one <see cref="MsgCreateValidator"/>,
/// signed offline by the validator's operator account over account number 0 and sequence 0 with no fee, because the
/// chain that will give the account its number does not exist yet. genesis.json's gen_txs hold the exact bytes; the
/// chain delivers them at height 0 and its staking module turns them into the genesis validator set.
/// </summary>
public sealed record GenTx(byte[] Bytes, MsgCreateValidator Message, byte[] Operator)
{
    /// <summary>The gas limit a gentx is signed with: far above what creating a validator costs; gen txs pay no fee.</summary>
    public const ulong GasLimit = 10_000_000;

    /// <summary>Staking's power reduction: a validator's consensus power is its bonded uchn / 10^6 (whole CHN).</summary>
    public const ulong PowerReduction = Coins.BasePerDisplay;

    public static readonly string TypeUrl = "/" + MsgCreateValidator.Descriptor.FullName;

    private static readonly MessageParser<Tx> TxParser = Tx.Parser.WithDiscardUnknownFields(true);
    private static readonly MessageParser<MsgCreateValidator> MsgParser = MsgCreateValidator.Parser.WithDiscardUnknownFields(true);

    /// <summary>The operator's account address (chain1...): the signer, funded in genesis, that self-delegates.</summary>
    public string AccountAddress => Address.ToBech32(Operator);

    /// <summary>The operator address (chainvaloper1...).</summary>
    public string ValidatorAddress => Message.ValidatorAddress;

    public byte[] ConsensusPublicKey => Message.Pubkey.ToByteArray();

    public string Moniker => Message.Description?.Moniker ?? string.Empty;

    /// <summary>The self-delegation in uchn.</summary>
    public ulong SelfDelegation => Message.Value;

    /// <summary>The consensus power the self-delegation gives (<see cref="PowerReduction"/>).</summary>
    public long Power => (long)(Message.Value / PowerReduction);

    public byte[] Hash => TxFactory.Hash(Bytes);

    /// <summary>Whether a chain of <paramref name="modules"/> can deliver gen txs: a module handles <see cref="MsgCreateValidator"/>.</summary>
    public static bool IsHandledBy(ModuleSet modules) =>
        modules.Modules.Any(m => m.Handlers.Any(h => h.TypeUrl == TypeUrl));

    /// <summary>Signs a create-validator gen tx for <paramref name="chainId"/> (account number 0, sequence 0, no fee, <see cref="GasLimit"/>).</summary>
    /// <param name="operatorKey">The operator's account key (the keyring key); the validator's operator address is its address.</param>
    /// <param name="consensusPublicKey">The node's consensus key (priv_validator_key.json).</param>
    /// <param name="chainId">The chain id of the genesis it joins.</param>
    /// <param name="selfDelegation">The uchn the operator bonds.</param>
    /// <param name="description">Moniker and the rest.</param>
    /// <param name="commission">Commission rates as 18-place decimals.</param>
    /// <param name="minSelfDelegation">The least the operator keeps bonded.</param>
    public static GenTx Create(
        PrivateKey operatorKey,
        byte[] consensusPublicKey,
        string chainId,
        ulong selfDelegation,
        Description description,
        CommissionRates commission,
        ulong minSelfDelegation)
    {
        var message = new MsgCreateValidator
        {
            Description = description,
            Commission = commission,
            MinSelfDelegation = minSelfDelegation,
            ValidatorAddress = Address.ToBech32(operatorKey.Address, Address.ValidatorOperatorPrefix),
            Pubkey = ByteString.CopyFrom(consensusPublicKey),
            Value = selfDelegation,
        };
        var tx = TxFactory.Sign(operatorKey, chainId, accountNumber: 0, sequence: 0, new Fee { GasLimit = GasLimit }, [message]);
        return new GenTx(tx.ToByteArray(), message, operatorKey.Address);
    }

    /// <summary>
    /// Decodes gentx bytes and checks everything that needs no state: a canonical Tx of exactly one
    /// MsgCreateValidator, signed by the operator's key over account number 0 and sequence 0 for
    /// <paramref name="chainId"/>, with a valid consensus key, a self-delegation of at least min_self_delegation and
    /// commission rates the staking rules allow. Null with <paramref name="error"/> saying what is wrong.
    /// </summary>
    public static GenTx? TryDecode(byte[] bytes, string chainId, out string error)
    {
        error = string.Empty;
        Tx tx;
        try
        {
            tx = TxParser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = $"is not a Tx: {e.Message}";
            return null;
        }

        if (bytes.Length == 0 || !CanonicalEncoding.Matches(tx, bytes))
        {
            error = bytes.Length == 0 ? "is empty" : "is not a canonically encoded Tx (unknown fields, or fields out of order or repeated)";
            return null;
        }

        if (tx.Body is null || tx.AuthInfo?.Signer is null || tx.AuthInfo.Fee is null)
        {
            error = "lacks body, auth_info.signer or auth_info.fee";
            return null;
        }

        if (tx.Body.Messages.Count != 1 || tx.Body.Messages[0].TypeUrl != TypeUrl)
        {
            error = $"must hold exactly one {TypeUrl}, not [{string.Join(", ", tx.Body.Messages.Select(m => m.TypeUrl))}]";
            return null;
        }

        MsgCreateValidator message;
        try
        {
            message = MsgParser.ParseFrom(tx.Body.Messages[0].Value);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = $"holds a MsgCreateValidator that does not decode: {e.Message}";
            return null;
        }

        if (!CanonicalEncoding.Matches(message, tx.Body.Messages[0].Value.Span))
        {
            error = "holds a MsgCreateValidator that is not canonically encoded (unknown fields?)";
            return null;
        }

        if (!Address.TryFromBech32(message.ValidatorAddress, out var operatorAddress, out var addressError, Address.ValidatorOperatorPrefix))
        {
            error = $"validator_address: {addressError}";
            return null;
        }

        var signerKey = tx.AuthInfo.Signer.PublicKey.Span;
        if (!Secp256k1.IsValidPublicKey(signerKey) || !Address.FromPublicKey(signerKey).AsSpan().SequenceEqual(operatorAddress))
        {
            error = $"must be signed by the key of its operator {Address.ToBech32(operatorAddress)}";
            return null;
        }

        if (tx.AuthInfo.Signer.Sequence != 0)
        {
            error = $"is signed with sequence {tx.AuthInfo.Signer.Sequence}; a gentx is its account's first tx (sequence 0)";
            return null;
        }

        if (tx.AuthInfo.Fee.GasLimit == 0)
        {
            error = "has fee.gas_limit 0";
            return null;
        }

        var signBytes = TxFactory.SignBytes(chainId, 0, 0, tx.AuthInfo.Fee, tx.Body);
        if (Secp256k1.Verify(signerKey, Hashes.Sha256(signBytes), tx.Signature.Span) != SignatureCheck.Valid)
        {
            error = $"has no valid signature for chain '{chainId}' with account number 0 and sequence 0 (signed for another chain id, or altered)";
            return null;
        }

        var gentx = new GenTx(bytes, message, operatorAddress);
        error = CheckMessage(message);
        return error.Length == 0 ? gentx : null;
    }

    /// <summary>The stateless rules of a create-validator message (the Cosmos SDK's); empty when it keeps them.</summary>
    public static string CheckMessage(MsgCreateValidator message)
    {
        if (!Secp256k1.IsValidPublicKey(message.Pubkey.Span))
        {
            return "pubkey must be a valid 33-byte compressed secp256k1 consensus key";
        }

        var description = DescriptionRules.Validate(message.Description, requireMoniker: true);
        if (!description.IsOk)
        {
            return description.Log;
        }

        if (message.Value == 0)
        {
            return "value (the self-delegation) must be above 0";
        }

        if (message.MinSelfDelegation == 0 || message.MinSelfDelegation > message.Value)
        {
            return $"min_self_delegation {message.MinSelfDelegation} must be from 1 to the self-delegation {message.Value}";
        }

        return CheckCommission(message.Commission);
    }

    /// <summary>The staking handler's commission bounds (<see cref="CommissionRules"/>); empty when kept.</summary>
    public static string CheckCommission(CommissionRates? commission) => CommissionRules.Validate(commission).Log;
}
