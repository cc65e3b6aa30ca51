using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Modules;

namespace Chain.Modules.Staking.Handlers;

/// <summary>MsgDelegate: bonds coins from the delegator's account to a validator.</summary>
public sealed class DelegateHandler(StakingKeeper staking) : StakingMsgHandler<MsgDelegate>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgDelegate m) => ("delegator_address", m.DelegatorAddress, Address.AccountPrefix);

    protected override ExecResult ValidateFields(MsgDelegate m) =>
        Parse("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix, out _) is { IsOk: false } r ? r : Positive(m.Amount, "amount");

    protected override ExecResult Handle(MsgContext context, MsgDelegate m) => staking.Delegate(context, Signer(m), Operator(m.ValidatorAddress), m.Amount);
}

/// <summary>MsgUndelegate: unbonds; the tokens arrive after the unbonding time.</summary>
public sealed class UndelegateHandler(StakingKeeper staking) : StakingMsgHandler<MsgUndelegate>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgUndelegate m) => ("delegator_address", m.DelegatorAddress, Address.AccountPrefix);

    protected override ExecResult ValidateFields(MsgUndelegate m) =>
        Parse("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix, out _) is { IsOk: false } r ? r : Positive(m.Amount, "amount");

    protected override ExecResult Handle(MsgContext context, MsgUndelegate m) => staking.Undelegate(context, Signer(m), Operator(m.ValidatorAddress), m.Amount, out _);
}

/// <summary>MsgBeginRedelegate: moves a delegation to another validator without waiting (but stays slashable for the source's faults until complete).</summary>
public sealed class BeginRedelegateHandler(StakingKeeper staking) : StakingMsgHandler<MsgBeginRedelegate>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgBeginRedelegate m) => ("delegator_address", m.DelegatorAddress, Address.AccountPrefix);

    protected override ExecResult ValidateFields(MsgBeginRedelegate m)
    {
        var r = Parse("validator_src_address", m.ValidatorSrcAddress, Address.ValidatorOperatorPrefix, out _);
        r = r.IsOk ? Parse("validator_dst_address", m.ValidatorDstAddress, Address.ValidatorOperatorPrefix, out _) : r;
        return r.IsOk ? Positive(m.Amount, "amount") : r;
    }

    protected override ExecResult Handle(MsgContext context, MsgBeginRedelegate m) =>
        staking.BeginRedelegate(context, Signer(m), Operator(m.ValidatorSrcAddress), Operator(m.ValidatorDstAddress), m.Amount, out _);
}

/// <summary>MsgCancelUnbondingDelegation: delegates (part of) an unbonding entry back to its validator.</summary>
public sealed class CancelUnbondingHandler(StakingKeeper staking) : StakingMsgHandler<MsgCancelUnbondingDelegation>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgCancelUnbondingDelegation m) => ("delegator_address", m.DelegatorAddress, Address.AccountPrefix);

    protected override ExecResult ValidateFields(MsgCancelUnbondingDelegation m)
    {
        var r = Parse("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix, out _);
        r = r.IsOk ? Positive(m.Amount, "amount") : r;
        return r.IsOk ? Positive(m.CreationHeight, "creation_height") : r;
    }

    protected override ExecResult Handle(MsgContext context, MsgCancelUnbondingDelegation m) =>
        staking.CancelUnbonding(context, Signer(m), Operator(m.ValidatorAddress), m.Amount, m.CreationHeight);
}
