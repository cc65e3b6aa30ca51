using Chain.Crypto;
using Chain.Proto.Staking;
using Chain.State.Types;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Chain.Modules.Staking.Tests;

/// <summary>
/// Random runs of staking and distribution messages from many accounts over many blocks, with validators going
/// offline (liveness slashes) and double-signing (evidence slashes). After every block, besides every module
/// invariant (<see cref="StakingChain.Commit"/>: pools, shares, power index, distribution balance, reference counts,
/// bank supply), this checks that no validator owes more than it holds: the exact rewards of all its delegations
/// plus its commission never exceed its outstanding rewards, so no withdrawal is ever capped, and nobody is paid
/// more than was allocated (exact to 10^-18 uchn; the dust of each payout goes to the community pool).
/// <para>
/// The runs come from a fixed seed (<see cref="DefaultSeed"/>) whose runs reach every outcome asserted below;
/// STAKING_PROPERTY_SEED=random draws fresh runs (the seed is printed), any other value replays a seed.
/// </para>
/// </summary>
public sealed class StakingPropertyTests(ITestOutputHelper output)
{
    private const int Accounts = 10;
    private const int Blocks = 70;
    private const int Runs = 3;
    private const ulong Chn = StakingChain.Chn;
    private const string DefaultSeed = "0000000000000001";

    private sealed record Op(int Kind, int Account, int Other, int Amount);

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Int[0, 11], Gen.Int[0, Accounts - 1], Gen.Int[0, Accounts - 1], Gen.Int[1, 200])
        .Select(t => new Op(t.Item1, t.Item2, t.Item3, t.Item4));

    [Fact]
    public void Random_staking_runs_keep_every_invariant_and_never_pay_more_than_allocated()
    {
        var seed = Environment.GetEnvironmentVariable("STAKING_PROPERTY_SEED") switch
        {
            null or "" => DefaultSeed,
            "random" => new PCG((uint)Random.Shared.Next(), (ulong)Random.Shared.NextInt64()).ToString(),
            var given => given,
        };
        output.WriteLine($"STAKING_PROPERTY_SEED={seed}");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        OpGen.Array[0, 6].Array[Blocks].Array[Runs].Sample(
            runs =>
            {
                for (var r = 0; r < runs.Length; r++)
                {
                    Run(runs[r], r, seen);
                }
            },
            seed: seed,
            iter: 1,
            threads: 1);

        var counts = string.Join(", ", seen.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        output.WriteLine(counts);
        foreach (var kind in new[] { "ok:MsgCreateValidator", "ok:MsgDelegate", "ok:MsgUndelegate", "ok:MsgBeginRedelegate", "ok:MsgWithdrawDelegatorReward",
                     "ok:MsgCancelUnbondingDelegation", "ok:MsgWithdrawValidatorCommission", "ok:MsgUnjail", "double_sign", "jailed", "refused" })
        {
            Assert.True(seen.GetValueOrDefault(kind) > 0, $"the runs of seed {seed} never reached '{kind}' ({counts})");
        }
    }

    private static void Run(Op[][] blocks, int run, Dictionary<string, int> seen)
    {
        using var c = new StakingChain(Accounts, balance: 10_000 * Chn, seed: run + 1, configure: g =>
        {
            g.Params.MaxValidators = 5;
            g.Params.MaxEntries = 3;
            g.Params.UnbondingTime = 60;
            g.Slashing.Params.SignedBlocksWindow = 8;
            g.Slashing.Params.DowntimeJailDuration = 20;
        });
        foreach (var ops in blocks)
        {
            var txs = new List<byte[]>();
            var kinds = new List<string>();
            foreach (var op in ops)
            {
                var message = Message(c, op, seen);
                if (message is not null)
                {
                    txs.Add(c.Tx(op.Account, message));
                    kinds.Add(message.Descriptor.Name);
                }
            }

            var results = c.Commit([.. txs]).Results;
            for (var i = 0; i < results.Count; i++)
            {
                var key = results[i].Code == 0 ? "ok:" + kinds[i] : "refused";
                seen[key] = seen.GetValueOrDefault(key) + 1;
            }

            foreach (var v in c.Records.AllValidators(c.State))
            {
                if (v.Jailed)
                {
                    seen["jailed"] = seen.GetValueOrDefault("jailed") + 1;
                }
            }

            CheckOwedWithinOutstanding(c);
        }
    }

    private static IMessage? Message(StakingChain c, Op original, Dictionary<string, int> seen)
    {
        // Mostly aim at validators that exist, so most messages get past the first check.
        var existing = Enumerable.Range(0, Accounts).Where(i => c.Validator(i) is not null).ToArray();
        var op = existing.Length > 0 && original.Amount % 5 != 0 ? original with { Other = existing[original.Other % existing.Length] } : original;
        var amount = (ulong)op.Amount * Chn / 10;
        switch (op.Kind)
        {
            case 0:
                return c.CreateValidator(op.Account, 10 * amount, rate: "0.05", maxRate: "0.5", maxChange: "0.1", minSelf: Chn);
            case 1:
            case 2:
                return c.Delegate(op.Account, op.Other, amount);
            case 3:
                return c.Undelegate(op.Account, op.Other, amount / 2);
            case 4:
                return c.Redelegate(op.Account, op.Other, (op.Other + 1 + (op.Amount % 3)) % Accounts, amount / 2);
            case 5:
                return c.Withdraw(op.Account, op.Other);
            case 6:
                return new MsgWithdrawValidatorCommission { ValidatorAddress = c.V(op.Account) };
            case 7:
                var ubd = c.Records.UnbondingsOf(c.State, c.Keys[op.Account].Address).FirstOrDefault();
                return ubd is null
                    ? c.Undelegate(op.Account, op.Other, amount / 3)
                    : new MsgCancelUnbondingDelegation { DelegatorAddress = c.A(op.Account), ValidatorAddress = ubd.ValidatorAddress, Amount = Math.Max(1, ubd.Entries[0].Balance / 2), CreationHeight = ubd.Entries[0].CreationHeight };
            case 8:
                return new MsgUnjail { ValidatorAddress = c.V(op.Account) };
            case 9:
                // Go offline or come back.
                if (!c.Offline.Remove(op.Account) && c.Offline.Count < 2)
                {
                    c.Offline.Add(op.Account);
                }

                return null;
            case 10:
                if (op.Amount < 30 && c.PowerAt(c.Height, op.Account) is var power and > 0)
                {
                    var total = c.SetAt(c.Height).Values.Sum();
                    c.PendingEvidence.Add(c.DoubleSign(op.Account, c.Height, power, total));
                    seen["double_sign"] = seen.GetValueOrDefault("double_sign") + 1;
                }

                return null;
            default:
                return new MsgEditValidator { ValidatorAddress = c.V(op.Account), CommissionRate = (op.Amount % 2 == 0 ? "0.1" : "0.04") };
        }
    }

    /// <summary>For every validator: Σ exact rewards of its delegations + commission ≤ outstanding rewards.</summary>
    private static void CheckOwedWithinOutstanding(StakingChain c)
    {
        foreach (var v in c.Records.AllValidators(c.State))
        {
            var op = Address.FromBech32(v.OperatorAddress, Address.ValidatorOperatorPrefix);
            var owed = c.Distribution.GetCommission(c.State, op);
            foreach (var del in c.Records.DelegatorsOf(c.State, op))
            {
                var d = c.Records.GetDelegation(c.State, del, op)!;
                owed += c.Distribution.PendingRewards(c.State, v, d, c.Height);
            }

            var outstanding = c.Distribution.GetOutstanding(c.State, op);
            Assert.True(owed <= outstanding, $"block {c.Height}: {v.OperatorAddress} owes {owed}, holds {outstanding}");
        }
    }
}
