using Chain.Proto.Staking;
using Google.Protobuf;

namespace Chain.Modules.Staking.Tests;

/// <summary>Every refusal has its own code and changes nothing in staking's state.</summary>
public sealed class BadInputTests : IDisposable
{
    private const ulong Chn = StakingChain.Chn;
    private readonly StakingChain _c = new(6);

    public BadInputTests()
    {
        _c.Ok(0, _c.CreateValidator(0, 100 * Chn, minSelf: 10 * Chn));
        _c.Ok(1, _c.CreateValidator(1, 100 * Chn));
        _c.Ok(2, _c.Delegate(2, 0, 10 * Chn));
    }

    public void Dispose() => _c.Dispose();

    /// <summary>Validators, delegations, entries and queues: everything but the rewards, signing and mint records every block touches.</summary>
    private string Records() => string.Join('\n', _c.State.IteratePrefix(Keeper.StakingKeys.ModulePrefix)
        .Where(kv => kv.Key[Keeper.StakingKeys.ModulePrefix.Length] is not ((byte)'F' or (byte)'S' or (byte)'M'))
        .Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)));

    private void Refused(uint code, int signer, IMessage message)
    {
        var before = Records();
        var r = _c.Fails(code, signer, message);
        Assert.False(string.IsNullOrWhiteSpace(r.Log));
        Assert.Equal(before, Records());
    }

    [Fact]
    public void Commission_outside_bounds() => Refused(StakingErrors.CommissionOutOfBounds, 3, _c.CreateValidator(3, 10 * Chn, rate: "0.3", maxRate: "0.2"));

    [Fact]
    public void Commission_max_rate_above_one() => Refused(StakingErrors.CommissionOutOfBounds, 3, _c.CreateValidator(3, 10 * Chn, rate: "0.3", maxRate: "1.5"));

    [Fact]
    public void Commission_not_a_decimal() => Refused(StakingErrors.InvalidCommission, 3, _c.CreateValidator(3, 10 * Chn, rate: "1e-2"));

    [Fact]
    public void Self_delegation_below_minimum() => Refused(StakingErrors.SelfDelegationBelowMinimum, 3, _c.CreateValidator(3, 5 * Chn, minSelf: 10 * Chn));

    [Fact]
    public void Consensus_key_already_used()
    {
        var m = _c.CreateValidator(3, 10 * Chn);
        m.Pubkey = ByteString.CopyFrom(_c.ConsensusKeys[0].PublicKey);
        Refused(StakingErrors.ConsensusKeyInUse, 3, m);
    }

    [Fact]
    public void Validator_created_twice() => Refused(StakingErrors.ValidatorExists, 0, _c.CreateValidator(0, 10 * Chn));

    [Fact]
    public void Delegation_to_unknown_validator() => Refused(StakingErrors.UnknownValidator, 2, _c.Delegate(2, 4, Chn));

    [Fact]
    public void Undelegating_more_than_held() => Refused(StakingErrors.InsufficientShares, 2, _c.Undelegate(2, 0, 11 * Chn));

    [Fact]
    public void Undelegating_without_a_delegation() => Refused(StakingErrors.NoDelegation, 3, _c.Undelegate(3, 0, Chn));

    [Fact]
    public void Redelegating_to_the_same_validator() => Refused(StakingErrors.SelfRedelegation, 2, _c.Redelegate(2, 0, 0, Chn));

    [Fact]
    public void Too_many_unbonding_entries()
    {
        for (var i = 0; i < 3; i++)
        {
            _c.Ok(2, _c.Undelegate(2, 0, Chn));
        }

        _c.Ok(2, _c.Delegate(2, 0, 3 * Chn)); // restore the tokens Refused checks
        Refused(StakingErrors.TooManyEntries, 2, _c.Undelegate(2, 0, Chn));
    }

    [Fact]
    public void Unjail_when_not_jailed() => Refused(StakingErrors.ValidatorNotJailed, 0, new MsgUnjail { ValidatorAddress = _c.V(0) });

    [Fact]
    public void Min_self_delegation_lowered() => Refused(StakingErrors.MinSelfDelegationDecreased, 0, new MsgEditValidator { ValidatorAddress = _c.V(0), MinSelfDelegation = 5 * Chn });

    [Fact]
    public void Moniker_missing()
    {
        var m = _c.CreateValidator(3, 10 * Chn);
        m.Description.Moniker = " ";
        Refused(StakingErrors.InvalidDescription, 3, m);
    }

    [Fact]
    public void Consensus_key_not_a_secp256k1_key()
    {
        var m = _c.CreateValidator(3, 10 * Chn);
        m.Pubkey = ByteString.CopyFrom(new byte[33]);
        Refused(StakingErrors.InvalidConsensusKey, 3, m);
    }

    [Fact]
    public void Withdraw_without_a_delegation() => Refused(StakingErrors.NoDelegation, 3, _c.Withdraw(3, 0));
}
