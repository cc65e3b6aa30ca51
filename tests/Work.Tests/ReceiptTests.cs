using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Work.Keeper;
using Chain.Proto.Market;
using Chain.Proto.Staking;
using Chain.Proto.Work;
using Google.Protobuf;
using static Chain.Modules.Work.Tests.WorkChain;

namespace Chain.Modules.Work.Tests;

/// <summary>The life of a seeded receipt: round, receipt, challenge, response; and every way a provider fails.</summary>
public sealed class ReceiptTests
{
    /// <summary>Submits the honest receipt and commits until its challenge is drawn.</summary>
    private static (Receipt Receipt, List<byte[]> Leaves) SubmitAndChallenge(WorkChain chain, ulong lease, Func<long, byte[], byte[]>? tamper = null)
    {
        var (msg, leaves) = chain.HonestReceipt(lease, tamper: tamper);
        chain.Ok(ProviderKey, msg);
        var included = chain.Height;
        chain.CommitUntil(included + chain.Params.ChallengeDelay + 1);
        var receipt = chain.Receipt(lease, msg.Round)!;
        Assert.Equal(ReceiptStatus.Challenged, receipt.Status);
        Assert.Equal(included + chain.Params.ChallengeDelay, receipt.ChallengeHeight);
        Assert.Equal((int)chain.Params.Samples, receipt.ChallengedTiles.Count);
        return (receipt, leaves);
    }

    [Fact]
    public void An_honest_receipt_passes_its_challenge_and_counts_as_verified_work()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease(gpus: 2);
        var work = chain.LeaseWork(lease)!;
        Assert.Equal(32u, work.Spec.Rows); // 16 rows per GPU x 2 GPUs
        Assert.Equal("nvidia/h100", work.GpuModel);
        Assert.Equal(WorkDraws.RoundSeed(lease, 1, BlockHash(work.RoundOpenedHeight - 1)), work.Spec.Seed.ToByteArray());

        var (receipt, leaves) = SubmitAndChallenge(chain, lease);
        var expected = WorkDraws.ChallengeTiles(receipt.ReceiptHash.Span, BlockHash(receipt.ChallengeHeight), 32 * 4, 8);
        Assert.Equal(expected, receipt.ChallengedTiles);
        chain.Ok(ProviderKey, chain.Response(receipt, leaves));

        receipt = chain.Receipt(lease, 1)!;
        Assert.Equal(ReceiptStatus.Verified, receipt.Status);
        var record = chain.ProviderWork(ProviderKey)!;
        Assert.Equal(1UL, record.VerifiedReceipts);
        Assert.Equal(2UL * 32 * 32 * 32, record.VerifiedWorkUnits);
        Assert.Equal(0UL, record.Failures);
        Assert.Equal(0u, record.UnresolvedReceipts);
        Assert.Equal(LeaseState.Active, chain.Lease(lease)!.State);
    }

    [Fact]
    public void Rounds_follow_one_another_while_every_receipt_comes()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        for (ulong round = 1; round <= 3; round++)
        {
            var work = chain.LeaseWork(lease)!;
            Assert.Equal(round, work.Round);
            var (receipt, leaves) = SubmitAndChallenge(chain, lease);
            chain.Ok(ProviderKey, chain.Response(receipt, leaves));
            chain.CommitUntil(work.RoundDueHeight + 1);
        }

        Assert.Equal(3UL, chain.ProviderWork(ProviderKey)!.VerifiedReceipts);
        Assert.Equal(4UL, chain.LeaseWork(lease)!.Round);
        // Each round's seed is bound to its own block hash.
        Assert.NotEqual(chain.Receipt(lease, 1)!.Spec.Seed, chain.Receipt(lease, 2)!.Spec.Seed);
    }

    [Fact]
    public void An_opening_that_does_not_lead_to_the_committed_root_is_refused_and_changes_nothing()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        var (receipt, _) = SubmitAndChallenge(chain, lease);
        var wrong = (long)receipt.ChallengedTiles[3];

        // Paths from a different product (one tile changed) cannot prove anything against the receipt's root.
        var tampered = chain.HonestReceipt(lease, tamper: (t, b) => t == wrong ? Flip(b) : b).Leaves;
        chain.Refused(ProviderKey, WorkErrors.BadPath, chain.Response(receipt, tampered, (t, b) => t == wrong ? Flip(b) : b));
        Assert.Equal(ReceiptStatus.Challenged, chain.Receipt(lease, 1)!.Status);
        Assert.Equal(4 * chain.Params.BondPerLease, chain.ProviderWork(ProviderKey)!.Bond);
    }

    [Fact]
    public void A_receipt_committing_a_wrong_tile_is_caught_when_that_tile_is_drawn()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        // The provider fakes every tile (f = 1): whatever the challenge draws is wrong, and its path is good.
        Func<long, byte[], byte[]> fake = (_, b) => Flip(b);
        var (receipt, leaves) = SubmitAndChallenge(chain, lease, fake);
        var tenantBefore = chain.Balance(TenantKey);
        var stakersBefore = chain.Balance(StakingAccounts.FeeCollector);
        chain.Ok(ProviderKey, chain.Response(receipt, leaves, fake));

        receipt = chain.Receipt(lease, 1)!;
        Assert.Equal(ReceiptStatus.Failed, receipt.Status);
        Assert.Equal("wrong_tile", receipt.Failure);
        var record = chain.ProviderWork(ProviderKey)!;
        Assert.Equal(1UL, record.Failures);
        Assert.Equal(chain.Params.BondPerLease, record.Slashed);
        Assert.Equal(3 * chain.Params.BondPerLease, record.Bond);
        Assert.Equal(chain.Params.BondPerLease / 4, chain.Balance(TenantKey) - tenantBefore - Refund(chain, lease));
        Assert.True(chain.Balance(StakingAccounts.FeeCollector) - stakersBefore >= chain.Params.BondPerLease * 3 / 4);
        var l = chain.Lease(lease)!;
        Assert.Equal(LeaseState.Closed, l.State);
        Assert.Equal(LeaseCloseReason.FailedWork, l.CloseReason);
        Assert.False(chain.LeaseWork(lease)!.Active);
        Assert.Equal(0u, record.ActiveLeases);
    }

    [Fact]
    public void Silence_after_a_challenge_slashes_at_the_deadline()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        var (receipt, leaves) = SubmitAndChallenge(chain, lease);
        chain.CommitUntil(receipt.ResponseDeadlineHeight);
        Assert.Equal(ReceiptStatus.Challenged, chain.Receipt(lease, 1)!.Status);
        chain.Commit();
        receipt = chain.Receipt(lease, 1)!;
        Assert.Equal(ReceiptStatus.Failed, receipt.Status);
        Assert.Equal("no_response", receipt.Failure);
        Assert.Equal(LeaseCloseReason.FailedWork, chain.Lease(lease)!.CloseReason);

        // A late answer is refused and changes nothing.
        chain.Refused(ProviderKey, WorkErrors.NotAwaitingResponse, chain.Response(receipt, leaves));
    }

    [Fact]
    public void A_response_after_the_deadline_is_refused()
    {
        using var chain = new WorkChain(configure: p => p.MaxQueuePerBlock = 1);
        var lease = chain.OpenLease();
        var (receipt, leaves) = SubmitAndChallenge(chain, lease);
        chain.CommitUntil(receipt.ResponseDeadlineHeight);
        // The deadline entry runs at the start of the next block; a response in that block is after the deadline.
        var r = chain.Commit(chain.Tx(ProviderKey, chain.Response(receipt, leaves))).Results[0];
        Assert.Equal(WorkErrors.Codespace, r.Codespace);
        Assert.True(r.Code is WorkErrors.DeadlinePassed or WorkErrors.NotAwaitingResponse, r.Log);
        Assert.Equal(ReceiptStatus.Failed, chain.Receipt(lease, 1)!.Status);
    }

    [Fact]
    public void A_missed_receipt_is_a_failure()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        var due = chain.LeaseWork(lease)!.RoundDueHeight;
        chain.CommitUntil(due + 1);
        var record = chain.ProviderWork(ProviderKey)!;
        Assert.Equal(1UL, record.MissedReceipts);
        Assert.Equal(1UL, record.Failures);
        Assert.Equal(LeaseCloseReason.FailedWork, chain.Lease(lease)!.CloseReason);
        Assert.Null(chain.Receipt(lease, 1));
    }

    [Fact]
    public void The_challenge_waits_for_a_block_whose_proposer_is_not_the_provider()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        // The provider runs a validator: its consensus key maps to its account.
        var create = new MsgCreateValidator
        {
            Description = new Description { Moniker = "provider" }, Commission = new CommissionRates { Rate = "0.1", MaxRate = "0.2", MaxChangeRate = "0.01" },
            MinSelfDelegation = 1, ValidatorAddress = Chain.Crypto.Address.ToBech32(chain.Keys[ProviderKey].Address, Chain.Crypto.Address.ValidatorOperatorPrefix),
            Pubkey = ByteString.CopyFrom(chain.ConsensusKeys[ProviderKey].PublicKey), Value = 1_000_000,
        };
        chain.Ok(ProviderKey, create);
        var (msg, leaves) = chain.HonestReceipt(lease);
        chain.Ok(ProviderKey, msg);
        var included = chain.Height;
        chain.CommitUntil(included + chain.Params.ChallengeDelay - 1);
        chain.Proposer = chain.ConsensusKeys[ProviderKey].Address; // the provider proposes the challenge block and the next
        chain.Commit();
        chain.Commit();
        chain.Commit();
        Assert.Equal(ReceiptStatus.AwaitingChallenge, chain.Receipt(lease, 1)!.Status);
        chain.Proposer = new byte[20];
        chain.Commit(); // proposed by someone else: the next block draws from its hash
        chain.Commit(); // draws from it
        var receipt = chain.Receipt(lease, 1)!;
        Assert.Equal(ReceiptStatus.Challenged, receipt.Status);
        Assert.Equal(included + chain.Params.ChallengeDelay + 3, receipt.ChallengeHeight); // the first block after those the provider proposed
        chain.Ok(ProviderKey, chain.Response(receipt, leaves));
        Assert.Equal(ReceiptStatus.Verified, chain.Receipt(lease, 1)!.Status);
    }

    [Fact]
    public void A_lease_closed_by_its_tenant_releases_the_bond_and_stops_its_rounds()
    {
        using var chain = new WorkChain();
        var lease = chain.OpenLease();
        Assert.Equal(1u, chain.ProviderWork(ProviderKey)!.ActiveLeases);
        chain.Ok(TenantKey, new MsgCloseLease { Signer = chain.A(TenantKey), LeaseId = lease });
        Assert.Equal(0u, chain.ProviderWork(ProviderKey)!.ActiveLeases);
        chain.CommitUntil(chain.Height + 2 * chain.Params.ReceiptInterval);
        Assert.Equal(0UL, chain.ProviderWork(ProviderKey)!.Failures);
        chain.Ok(ProviderKey, new MsgWithdrawWorkBond { Provider = chain.A(ProviderKey), Amount = 4 * chain.Params.BondPerLease });
        Assert.Equal(0UL, chain.ProviderWork(ProviderKey)!.Bond);
    }

    internal static byte[] Flip(byte[] b)
    {
        var c = (byte[])b.Clone();
        c[0] ^= 1;
        return c;
    }

    /// <summary>What the tenant got back from the lease's escrow when it closed.</summary>
    private static ulong Refund(WorkChain chain, ulong lease) => chain.Market.Records.GetEscrow(chain.State, lease)!.Refunded;
}
