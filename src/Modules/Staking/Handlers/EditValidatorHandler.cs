using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Modules;

namespace Chain.Modules.Staking.Handlers;

/// <summary>MsgEditValidator: description, commission rate (once per 24 h, within max_change_rate) and min self delegation (only up).</summary>
public sealed class EditValidatorHandler(StakingKeeper staking) : StakingMsgHandler<MsgEditValidator>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgEditValidator m) => ("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix);

    protected override ExecResult ValidateFields(MsgEditValidator m)
    {
        var r = DescriptionRules.Validate(m.Description, requireMoniker: false);
        if (!r.IsOk || m.CommissionRate.Length == 0)
        {
            return r;
        }

        r = DecField(m.CommissionRate, "commission_rate", out var rate);
        return r.IsOk && (rate.IsNegative || rate > State.Types.Dec.One)
            ? StakingErrors.Error(StakingErrors.CommissionOutOfBounds, $"commission_rate {rate} must be from 0 to 1")
            : r;
    }

    protected override ExecResult Handle(MsgContext context, MsgEditValidator m) =>
        staking.Validators.EditValidator(context, Signer(m), m.Description, m.CommissionRate, m.MinSelfDelegation);
}
