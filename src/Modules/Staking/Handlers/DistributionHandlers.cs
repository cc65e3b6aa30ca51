using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Events;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Handlers;

/// <summary>MsgWithdrawDelegatorReward: pays a delegation's rewards (whole uchn) to the delegator.</summary>
public sealed class WithdrawRewardHandler(StakingRecords records, DistributionKeeper distribution) : StakingMsgHandler<MsgWithdrawDelegatorReward>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgWithdrawDelegatorReward m) => ("delegator_address", m.DelegatorAddress, Address.AccountPrefix);

    protected override ExecResult ValidateFields(MsgWithdrawDelegatorReward m) => Parse("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix, out _);

    protected override ExecResult Handle(MsgContext context, MsgWithdrawDelegatorReward m)
    {
        var val = Operator(m.ValidatorAddress);
        var del = Signer(m);
        var v = records.GetValidator(context.Store, val);
        if (v is null)
        {
            return StakingKeeper.UnknownValidator(val);
        }

        var d = records.GetDelegation(context.Store, del, val);
        if (d is null)
        {
            return StakingErrors.Error(StakingErrors.NoDelegation, $"{m.DelegatorAddress} has no delegation to {m.ValidatorAddress}");
        }

        distribution.WithdrawDelegationRewards(context, v, d);
        distribution.InitializeDelegation(context.Store, v, del, Dec.Parse(d.Shares), context.Block.Height);
        return ExecResult.Ok;
    }
}

/// <summary>MsgWithdrawValidatorCommission: pays the accumulated commission (whole uchn) to the operator's account.</summary>
public sealed class WithdrawCommissionHandler(StakingRecords records, DistributionKeeper distribution) : StakingMsgHandler<MsgWithdrawValidatorCommission>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgWithdrawValidatorCommission m) => ("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix);

    protected override ExecResult Handle(MsgContext context, MsgWithdrawValidatorCommission m)
    {
        var val = Signer(m);
        var v = records.GetValidator(context.Store, val);
        return v is null ? StakingKeeper.UnknownValidator(val) : distribution.WithdrawCommission(context, v, out _);
    }
}

/// <summary>MsgFundCommunityPool: gives coins to the community pool.</summary>
public sealed class FundCommunityPoolHandler(DistributionKeeper distribution, IBankKeeper bank) : StakingMsgHandler<MsgFundCommunityPool>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgFundCommunityPool m) => ("depositor", m.Depositor, Address.AccountPrefix);

    protected override ExecResult ValidateFields(MsgFundCommunityPool m) => Positive(m.Amount, "amount");

    protected override ExecResult Handle(MsgContext context, MsgFundCommunityPool m)
    {
        var r = bank.Send(context.Store, Signer(m), StakingAccounts.Distribution, m.Amount);
        if (!r.IsOk)
        {
            return StakingErrors.Error(StakingErrors.InsufficientFunds, r.Log);
        }

        distribution.FundCommunityPool(context.Store, Dec.FromInt(m.Amount));
        context.Events.Emit(StakingEvents.FundCommunityPool, ("depositor", m.Depositor), ("amount", StakingEvents.N(m.Amount)));
        return ExecResult.Ok;
    }
}
