using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;

namespace Chain.Modules.Staking.Tests;

public sealed class SlashingTests : IDisposable
{
    private const ulong Chn = StakingChain.Chn;
    private readonly StakingChain _c = new(8);

    public void Dispose() => _c.Dispose();

    private void FourValidators()
    {
        for (var i = 0; i < 4; i++)
        {
            _c.Ok(i, _c.CreateValidator(i, 100 * Chn));
        }

        _c.CommitBlocks(2); // in the set from here
    }

    [Fact]
    public void Validator_missing_more_than_the_window_allows_is_slashed_one_percent_jailed_and_unjails_after_the_jail_time()
    {
        FourValidators();
        _c.Offline.Add(3);
        var supply = _c.Supply();
        // Window 10, min signed 0.5: more than 5 misses after the first 10 blocks jails.
        for (var i = 0; i < 30 && !_c.Validator(3)!.Jailed; i++)
        {
            _c.Commit();
        }

        var v = _c.Validator(3)!;
        Assert.True(v.Jailed);
        Assert.Equal(99 * Chn, v.Tokens); // 1% of power 100
        Assert.Equal(0, _c.LastUpdates.Single(u => u.PublicKey.AsSpan().SequenceEqual(_c.ConsensusKeys[3].PublicKey)).Power);
        var info = _c.Records.GetSigningInfo(_c.State, _c.Cons(3))!;
        Assert.Equal(0UL, info.MissedBlocksCounter);
        Assert.False(info.Tombstoned);
        Assert.True(_c.Supply() <= supply + (ulong)(_c.Height * 1_000_000)); // the slash burned coins despite minting

        _c.Offline.Clear();
        _c.Fails(StakingErrors.StillJailed, 3, new MsgUnjail { ValidatorAddress = _c.V(3) });
        _c.CommitBlocks(6); // 30 s jail
        _c.Ok(3, new MsgUnjail { ValidatorAddress = _c.V(3) });
        Assert.False(_c.Validator(3)!.Jailed);
        Assert.Equal(99, _c.LastUpdates.Single().Power);
    }

    [Fact]
    public void Double_sign_slashes_five_percent_tombstones_and_can_never_unjail()
    {
        FourValidators();
        var height = _c.Height;
        _c.PendingEvidence.Add(_c.DoubleSign(2, height, 100, 400));
        _c.Commit();
        var v = _c.Validator(2)!;
        Assert.True(v.Jailed);
        Assert.Equal(95 * Chn, v.Tokens);
        var info = _c.Records.GetSigningInfo(_c.State, _c.Cons(2))!;
        Assert.True(info.Tombstoned);
        Assert.Equal(SlashingKeeper.JailedForever, info.JailedUntil);

        // The same evidence again does nothing more.
        _c.PendingEvidence.Add(_c.DoubleSign(2, height, 100, 400));
        _c.Commit();
        Assert.Equal(95 * Chn, _c.Validator(2)!.Tokens);
        _c.Fails(StakingErrors.Tombstoned, 2, new MsgUnjail { ValidatorAddress = _c.V(2) });
    }

    [Fact]
    public void Evidence_older_than_both_limits_is_refused()
    {
        FourValidators();
        var old = _c.DoubleSign(1, 1, 100, 400);
        old.TimestampUnixNanos -= 10L * 24 * 3600 * 1_000_000_000; // 10 days ago, but only a few blocks: still punished
        _c.PendingEvidence.Add(old);
        _c.Commit();
        Assert.True(_c.Validator(1)!.Jailed);

        using var c = new StakingChain(4, configure: g => g.Slashing.Params.MaxEvidenceAgeBlocks = 2);
        for (var i = 0; i < 2; i++)
        {
            c.Ok(i, c.CreateValidator(i, 100 * Chn));
        }

        c.CommitBlocks(5);
        var stale = c.DoubleSign(0, 1, 100, 200);
        stale.TimestampUnixNanos -= 10L * 24 * 3600 * 1_000_000_000;
        c.PendingEvidence.Add(stale);
        var events = c.Commit().Results;
        Assert.False(c.Validator(0)!.Jailed);
        Assert.Equal(100 * Chn, c.Validator(0)!.Tokens);
    }

    [Fact]
    public void Unbonding_entries_made_at_or_after_the_infraction_lose_their_share_and_earlier_ones_do_not()
    {
        FourValidators();
        _c.Ok(5, _c.Delegate(5, 0, 100 * Chn));
        _c.Ok(5, _c.Undelegate(5, 0, 40 * Chn)); // before the infraction
        var infraction = _c.NextHeight;
        _c.Ok(5, _c.Undelegate(5, 0, 20 * Chn)); // at the infraction height
        _c.Ok(6, _c.Delegate(6, 0, 10 * Chn));
        _c.Ok(6, _c.Redelegate(6, 0, 1, 10 * Chn)); // after it
        var power = _c.PowerAt(infraction, 0);
        _c.PendingEvidence.Add(_c.DoubleSign(0, infraction + 1, power, 400)); // infraction height = evidence height - 1
        _c.Commit();

        var entries = _c.Records.GetUnbonding(_c.State, _c.Keys[5].Address, _c.Keys[0].Address)!.Entries;
        Assert.Equal(40 * Chn, entries.Single(e => e.CreationHeight < infraction).Balance);
        Assert.Equal(19 * Chn, entries.Single(e => e.CreationHeight == infraction).Balance);
        // The redelegated 10 CHN at validator 1 lost 5% too.
        Assert.Equal(9_500_000UL, _c.Records.GetValidator(_c.State, _c.Keys[1].Address)!.Tokens - (100 * Chn));
    }

    [Fact]
    public void A_jailed_validator_still_accepts_delegations()
    {
        FourValidators();
        _c.PendingEvidence.Add(_c.DoubleSign(1, _c.Height, 100, 400));
        _c.Commit();
        _c.Ok(5, _c.Delegate(5, 1, 10 * Chn));
        Assert.True(_c.Validator(1)!.Jailed);
        Assert.Equal(105 * Chn, _c.Validator(1)!.Tokens);
    }
}
