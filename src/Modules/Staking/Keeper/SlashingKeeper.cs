using Chain.Crypto;
using Chain.Modules.Staking.Events;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Staking.Keeper;

/// <summary>
/// x/slashing and x/evidence: liveness from the last commit's votes (a sliding window of signed_blocks_window blocks;
/// missing more than the window allows slashes slash_fraction_downtime and jails for downtime_jail_duration), double
/// signing from the block's evidence (slash_fraction_double_sign at the infraction's power, jailed for good,
/// tombstoned), and unjailing.
/// </summary>
public sealed class SlashingKeeper(StakingRecords records, StakingKeeper staking, SlashKeeper slasher)
{
    /// <summary>The end of a double signer's jail: 9999-12-31T23:59:59Z, as the SDK writes it.</summary>
    public const long JailedForever = 253402300799;

    /// <summary>Updates set at H take effect at H+2, so an infraction seen at H was signed with the power of H-2.</summary>
    private const ulong ValidatorUpdateDelay = 1;

    public void BeginBlock(MsgContext ctx)
    {
        var p = records.GetSlashingParams(ctx.Store);
        foreach (var vote in ctx.Block.LastCommitVotes)
        {
            HandleValidatorSignature(ctx, p, vote);
        }

        foreach (var evidence in ctx.Block.Evidence)
        {
            HandleDoubleSign(ctx, p, evidence);
        }
    }

    private void HandleValidatorSignature(MsgContext ctx, SlashingParams p, VoteInfo vote)
    {
        var store = ctx.Store;
        var cons = vote.ValidatorAddress;
        var v = records.GetValidatorByCons(store, cons);
        if (v is null || v.Jailed)
        {
            return; // not a staking validator (a fixed genesis one), or jailed: its misses do not count
        }

        var height = ctx.Block.Height;
        var info = records.SigningInfoOrNew(store, cons, height);
        var window = p.SignedBlocksWindow;
        var index = info.IndexOffset % window;
        info.IndexOffset++;
        var previous = records.GetMissed(store, cons, index);
        var missed = !vote.Signed;
        if (!previous && missed)
        {
            records.SetMissed(store, cons, index, true);
            info.MissedBlocksCounter++;
        }
        else if (previous && !missed)
        {
            records.SetMissed(store, cons, index, false);
            info.MissedBlocksCounter--;
        }

        if (missed)
        {
            ctx.Events.Emit(StakingEvents.Liveness, ("validator", v.OperatorAddress), ("missed_blocks", StakingEvents.N(info.MissedBlocksCounter)), ("height", StakingEvents.N(height)));
        }

        var minSigned = (ulong)Dec.Parse(p.MinSignedPerWindow).MulInt(window).RoundInt();
        var maxMissed = window - minSigned;
        if (height > info.StartHeight + window && info.MissedBlocksCounter > maxMissed)
        {
            var infractionHeight = height > ValidatorUpdateDelay + 1 ? height - ValidatorUpdateDelay - 1 : 0;
            slasher.Slash(ctx, cons, infractionHeight, vote.Power, Dec.Parse(p.SlashFractionDowntime), "missing_signature");
            v = records.GetValidatorByCons(store, cons)!;
            staking.Validators.JailValidator(ctx, v, "missing_signature");
            info.JailedUntil = StakingKeeper.Now(ctx) + (long)p.DowntimeJailDuration;
            info.MissedBlocksCounter = 0;
            info.IndexOffset = 0;
            records.ClearMissed(store, cons);
        }

        records.SetSigningInfo(store, cons, info);
    }

    private void HandleDoubleSign(MsgContext ctx, SlashingParams p, Misbehavior evidence)
    {
        var store = ctx.Store;
        var cons = evidence.ValidatorAddress;
        var consText = Address.ToBech32(cons, Address.ValidatorConsensusPrefix);
        var ageBlocks = ctx.Block.Height > evidence.Height ? ctx.Block.Height - evidence.Height : 0;
        var ageSeconds = (ctx.Block.TimeUnixNanos - evidence.TimeUnixNanos) / 1_000_000_000;
        if (ageSeconds > (long)p.MaxEvidenceAgeDuration && ageBlocks > p.MaxEvidenceAgeBlocks)
        {
            Refuse(ctx, consText, evidence, $"older than {p.MaxEvidenceAgeBlocks} blocks and {p.MaxEvidenceAgeDuration} s");
            return;
        }

        var v = records.GetValidatorByCons(store, cons);
        if (v is null || v.Status == BondStatus.Unbonded)
        {
            Refuse(ctx, consText, evidence, "no bonded or unbonding staking validator has this consensus key");
            return;
        }

        var info = records.SigningInfoOrNew(store, cons, ctx.Block.Height);
        if (info.Tombstoned)
        {
            Refuse(ctx, consText, evidence, "already tombstoned");
            return;
        }

        var infractionHeight = evidence.Height > 0 ? evidence.Height - 1 : 0;
        var burned = slasher.Slash(ctx, cons, infractionHeight, evidence.ValidatorPower, Dec.Parse(p.SlashFractionDoubleSign), "double_sign");
        v = records.GetValidatorByCons(store, cons)!;
        staking.Validators.JailValidator(ctx, v, "double_sign");
        info.JailedUntil = JailedForever;
        info.Tombstoned = true;
        records.SetSigningInfo(store, cons, info);
        ctx.Events.Emit(StakingEvents.DoubleSign, ("validator", v.OperatorAddress), ("consensus_address", consText), ("height", StakingEvents.N(evidence.Height)),
            ("power", StakingEvents.N(evidence.ValidatorPower)), ("burned", StakingEvents.N(burned)));
    }

    private static void Refuse(MsgContext ctx, string cons, Misbehavior evidence, string reason) =>
        ctx.Events.Emit(StakingEvents.EvidenceRefused, ("consensus_address", cons), ("height", StakingEvents.N(evidence.Height)), ("reason", reason));

    /// <summary>MsgUnjail: the operator's self delegation must reach its minimum, the jail time must be over, and the validator not tombstoned.</summary>
    public ExecResult Unjail(MsgContext ctx, byte[] op)
    {
        var store = ctx.Store;
        var v = records.GetValidator(store, op);
        if (v is null)
        {
            return StakingKeeper.UnknownValidator(op);
        }

        var self = records.GetDelegation(store, op, op);
        if (self is null)
        {
            return StakingErrors.Error(StakingErrors.NoSelfDelegation, $"validator {v.OperatorAddress} has no self delegation; delegate to it from its operator account first");
        }

        var selfTokens = v.Tokens == 0 ? 0 : v.TokensFromShares(Dec.Parse(self.Shares)).TruncateInt();
        if (selfTokens < v.MinSelfDelegation)
        {
            return StakingErrors.Error(StakingErrors.SelfDelegationBelowMinimum,
                $"self delegation {selfTokens}uchn is below min_self_delegation {v.MinSelfDelegation}uchn; delegate more before unjailing");
        }

        if (!v.Jailed)
        {
            return StakingErrors.Error(StakingErrors.ValidatorNotJailed, $"validator {v.OperatorAddress} is not jailed");
        }

        var cons = StakingRecords.ConsensusAddress(v);
        var info = records.GetSigningInfo(store, cons);
        if (info is { Tombstoned: true })
        {
            return StakingErrors.Error(StakingErrors.Tombstoned, $"validator {v.OperatorAddress} double-signed and is tombstoned: it can never be unjailed");
        }

        var now = StakingKeeper.Now(ctx);
        if (info is not null && now < info.JailedUntil)
        {
            return StakingErrors.Error(StakingErrors.StillJailed, $"validator {v.OperatorAddress} is jailed until {info.JailedUntil} (Unix s); it is {now}");
        }

        staking.Validators.UnjailValidator(ctx, v);
        return ExecResult.Ok;
    }
}
