using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Modules;

namespace Chain.Modules.Staking.Handlers;

/// <summary>MsgUnjail: a jailed validator whose jail time is over asks to rejoin the set.</summary>
public sealed class UnjailHandler(SlashingKeeper slashing) : StakingMsgHandler<MsgUnjail>
{
    protected override (string Field, string Address, string Prefix) SignerField(MsgUnjail m) => ("validator_address", m.ValidatorAddress, Address.ValidatorOperatorPrefix);

    protected override ExecResult Handle(MsgContext context, MsgUnjail m) => slashing.Unjail(context, Signer(m));
}
