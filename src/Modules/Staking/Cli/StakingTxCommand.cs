using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Staking;
using Google.Protobuf;

namespace Chain.Modules.Staking.Cli;

/// <summary>
/// `chaind tx staking create-validator|edit-validator|delegate|unbond|redelegate|cancel-unbond`, in the Cosmos SDK's
/// shapes: --from names the keyring key that signs; validators are chainvaloper... addresses; amounts are uchn
/// ("10000000000", "10000uchn" or "1.5chn").
/// </summary>
internal sealed class StakingTxCommand(CliContext context)
{
    public Command Build()
    {
        var staking = new Command(StakingModule.ModuleName, "Staking transactions: validators and delegations");
        staking.Add(CreateValidator());
        staking.Add(EditValidator());
        staking.Add(Delegate());
        staking.Add(Unbond());
        staking.Add(Redelegate());
        staking.Add(CancelUnbond());
        return staking;
    }

    private static Argument<string> Validator(string name = "validator") => new(name) { Description = "Validator operator address (chainvaloper...)" };

    private static Argument<string> Amount() => new("amount") { Description = "Amount in uchn, e.g. 1000000, 1000000uchn or 1chn" };

    private Command CreateValidator()
    {
        var amount = new Option<string>("--amount") { Description = "Self delegation in uchn, e.g. 10000000000 (10,000 chn)", Required = true };
        var pubkey = new Option<string?>("--pubkey") { Description = "Consensus public key, 33-byte compressed secp256k1 in hex (default: the node's config/priv_validator_key.json under --home)" };
        var description = new DescriptionOptions(requireMoniker: true);
        var rate = new Option<string>("--commission-rate") { Description = "Initial commission rate, e.g. 0.10", Required = true };
        var maxRate = new Option<string>("--commission-max-rate") { Description = "Highest commission rate ever allowed, e.g. 0.20 (fixed at creation)", Required = true };
        var maxChange = new Option<string>("--commission-max-change-rate") { Description = "Largest daily rise of the commission rate, e.g. 0.01 (fixed at creation)", Required = true };
        var minSelf = new Option<string>("--min-self-delegation") { Description = "Least self delegation in uchn; below it the validator is jailed", DefaultValueFactory = _ => "1" };
        var tx = new StakingTxOptions(context);
        return tx.Command(
            "create-validator",
            "Create a validator operated by the --from key, with its first self delegation",
            [amount, pubkey, .. description.Options, rate, maxRate, maxChange, minSelf],
            (parse, signer) =>
            {
                var value = StakingInput.Amount(parse.GetRequiredValue(amount), "--amount");
                var minSelfDelegation = StakingInput.Amount(parse.GetRequiredValue(minSelf), "--min-self-delegation");
                if (value < minSelfDelegation)
                {
                    throw new CliException($"--amount {value}uchn is below --min-self-delegation {minSelfDelegation}uchn");
                }

                var rateValue = StakingInput.Rate(parse.GetRequiredValue(rate), "--commission-rate");
                var maxValue = StakingInput.Rate(parse.GetRequiredValue(maxRate), "--commission-max-rate");
                var changeValue = StakingInput.Rate(parse.GetRequiredValue(maxChange), "--commission-max-change-rate");
                if (rateValue > maxValue)
                {
                    throw new CliException($"--commission-rate {parse.GetValue(rate)} is above --commission-max-rate {parse.GetValue(maxRate)}");
                }

                if (changeValue > maxValue)
                {
                    throw new CliException($"--commission-max-change-rate {parse.GetValue(maxChange)} is above --commission-max-rate {parse.GetValue(maxRate)}");
                }

                var key = parse.GetValue(pubkey);
                return new MsgCreateValidator
                {
                    Description = description.Read(parse),
                    Commission = new CommissionRates { Rate = rateValue.ToString(), MaxRate = maxValue.ToString(), MaxChangeRate = changeValue.ToString() },
                    MinSelfDelegation = minSelfDelegation,
                    ValidatorAddress = signer.Operator,
                    Pubkey = string.IsNullOrWhiteSpace(key)
                        ? ByteString.CopyFrom(context.ClientHome.ValidatorPublicKey(parse.GetRequiredValue(context.Home)))
                        : StakingInput.ConsensusKey(key, "--pubkey"),
                    Value = value,
                };
            });
    }

    private Command EditValidator()
    {
        var description = new DescriptionOptions(requireMoniker: false);
        var rate = new Option<string?>("--commission-rate") { Description = "New commission rate (at most max_change_rate above the old one, once a day)" };
        var minSelf = new Option<string?>("--min-self-delegation") { Description = "New least self delegation in uchn (it may only rise)" };
        var tx = new StakingTxOptions(context);
        return tx.Command(
            "edit-validator",
            "Change the description, commission rate or min self delegation of the --from key's validator; what is not given stays",
            [.. description.Options, rate, minSelf],
            (parse, signer) =>
            {
                var msg = new MsgEditValidator { ValidatorAddress = signer.Operator };
                if (description.AnyGiven(parse))
                {
                    msg.Description = description.Read(parse);
                }

                if (parse.GetValue(rate) is { Length: > 0 } r)
                {
                    msg.CommissionRate = StakingInput.Rate(r, "--commission-rate").ToString();
                }

                if (parse.GetValue(minSelf) is { Length: > 0 } m)
                {
                    msg.MinSelfDelegation = StakingInput.Amount(m, "--min-self-delegation");
                }

                return msg.Description is null && msg.CommissionRate.Length == 0 && msg.MinSelfDelegation == 0
                    ? throw new CliException("nothing to change: give --moniker, --identity, --website, --security-contact, --details, --commission-rate or --min-self-delegation")
                    : msg;
            });
    }

    private Command Delegate()
    {
        var validator = Validator();
        var amount = Amount();
        return new StakingTxOptions(context).Command(
            "delegate",
            "Delegate uchn of the --from key to a validator",
            [validator, amount],
            (parse, signer) => new MsgDelegate
            {
                DelegatorAddress = signer.Account,
                ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address"),
                Amount = StakingInput.Amount(parse.GetRequiredValue(amount), "amount"),
            });
    }

    private Command Unbond()
    {
        var validator = Validator();
        var amount = Amount();
        return new StakingTxOptions(context).Command(
            "unbond",
            "Undelegate uchn from a validator; they arrive after the unbonding time",
            [validator, amount],
            (parse, signer) => new MsgUndelegate
            {
                DelegatorAddress = signer.Account,
                ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address"),
                Amount = StakingInput.Amount(parse.GetRequiredValue(amount), "amount"),
            });
    }

    private Command Redelegate()
    {
        var source = Validator("src_validator");
        var destination = Validator("dst_validator");
        var amount = Amount();
        return new StakingTxOptions(context).Command(
            "redelegate",
            "Move a delegation from one validator to another at once",
            [source, destination, amount],
            (parse, signer) =>
            {
                var src = ClientInput.ValidatorAddress(parse.GetRequiredValue(source), "source validator address");
                var dst = ClientInput.ValidatorAddress(parse.GetRequiredValue(destination), "destination validator address");
                return src == dst
                    ? throw new CliException($"source and destination are the same validator {src}")
                    : new MsgBeginRedelegate
                    {
                        DelegatorAddress = signer.Account,
                        ValidatorSrcAddress = src,
                        ValidatorDstAddress = dst,
                        Amount = StakingInput.Amount(parse.GetRequiredValue(amount), "amount"),
                    };
            });
    }

    private Command CancelUnbond()
    {
        var validator = Validator();
        var amount = Amount();
        var height = new Argument<ulong>("creation_height") { Description = "Height at which the unbonding started (query staking unbonding-delegations)" };
        return new StakingTxOptions(context).Command(
            "cancel-unbond",
            "Delegate (part of) an unbonding entry back to its validator",
            [validator, amount, height],
            (parse, signer) => new MsgCancelUnbondingDelegation
            {
                DelegatorAddress = signer.Account,
                ValidatorAddress = ClientInput.ValidatorAddress(parse.GetRequiredValue(validator), "validator address"),
                Amount = StakingInput.Amount(parse.GetRequiredValue(amount), "amount"),
                CreationHeight = StakingInput.Height(parse.GetValue(height), "creation_height"),
            });
    }

    /// <summary>--moniker, --identity, --website, --security-contact and --details of a validator's description.</summary>
    private sealed class DescriptionOptions
    {
        public DescriptionOptions(bool requireMoniker)
        {
            RequireMoniker = requireMoniker;
            Moniker = new Option<string?>("--moniker") { Description = "The validator's name", Required = requireMoniker };
            Options = [Moniker, Identity, Website, SecurityContact, Details];
        }

        public bool RequireMoniker { get; }

        public Option<string?> Moniker { get; }

        public Option<string?> Identity { get; } = new("--identity") { Description = "Identity signature, e.g. a Keybase key id" };

        public Option<string?> Website { get; } = new("--website") { Description = "Website" };

        public Option<string?> SecurityContact { get; } = new("--security-contact") { Description = "Security contact e-mail" };

        public Option<string?> Details { get; } = new("--details") { Description = "Free text about the validator" };

        public Option<string?>[] Options { get; }

        public bool AnyGiven(ParseResult parse) => Options.Any(o => !string.IsNullOrEmpty(parse.GetValue(o)));

        public Description Read(ParseResult parse) => StakingInput.Description(
            parse.GetValue(Moniker), parse.GetValue(Identity), parse.GetValue(Website), parse.GetValue(SecurityContact), parse.GetValue(Details), RequireMoniker);
    }
}
