using Chain.Modules.Work.Keeper;
using Chain.Proto.Market;
using Chain.Proto.Work;
using Google.Protobuf;
using static Chain.Modules.Work.Tests.WorkChain;

namespace Chain.Modules.Work.Tests;

/// <summary>Every refusal has its own code and leaves the work module's records as they were.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void Receipts_that_do_not_fit_the_lease_are_refused_each_with_its_code()
    {
        using var chain = new WorkChain(configure: p => p.ChallengeDelay = 20);
        var lease = chain.OpenLease();
        var (good, _) = chain.HonestReceipt(lease);

        // A lease the signer does not serve.
        var stranger = good.Clone();
        stranger.Provider = chain.A(2);
        chain.Refused(2, WorkErrors.NotLeaseProvider, stranger);

        var unknown = good.Clone();
        unknown.LeaseId = 999;
        chain.Refused(ProviderKey, WorkErrors.UnknownLease, unknown);

        var units = good.Clone();
        units.WorkUnits++;
        chain.Refused(ProviderKey, WorkErrors.WrongWorkUnits, units);

        var rows = good.Clone();
        rows.Spec.Rows *= 2;
        rows.WorkUnits *= 2;
        chain.Refused(ProviderKey, WorkErrors.SpecMismatch, rows);

        var seed = good.Clone();
        seed.Spec.Seed = ByteString.CopyFrom(new byte[32]);
        chain.Refused(ProviderKey, WorkErrors.SpecMismatch, seed);

        var round = good.Clone();
        round.Round = 2;
        chain.Refused(ProviderKey, WorkErrors.WrongRound, round);

        var root = good.Clone();
        root.OutputRoot = ByteString.CopyFrom(new byte[31]);
        chain.Refused(ProviderKey, WorkErrors.InvalidRoot, root);

        chain.Ok(ProviderKey, good);
        chain.Refused(ProviderKey, WorkErrors.ReceiptExists, good);

        // A closed lease takes no receipt.
        chain.Ok(TenantKey, new MsgCloseLease { Signer = chain.A(TenantKey), LeaseId = lease });
        chain.Refused(ProviderKey, WorkErrors.LeaseNotActive, good);
    }

    [Fact]
    public void Responses_that_do_not_answer_the_challenge_are_refused()
    {
        using var chain = new WorkChain(configure: p => p.ResponseDeadline = 30);
        var lease = chain.OpenLease();
        var (msg, leaves) = chain.HonestReceipt(lease);
        chain.Refused(ProviderKey, WorkErrors.UnknownReceipt, new MsgChallengeResponse { Provider = chain.A(ProviderKey), LeaseId = lease, Round = 1, Tiles = { new Tile { Index = 0, Values = ByteString.CopyFrom(new byte[32]) } } });
        chain.Ok(ProviderKey, msg);
        var receipt = chain.Receipt(lease, 1)!;

        // Before the challenge is drawn there is nothing to answer.
        var early = new MsgChallengeResponse { Provider = chain.A(ProviderKey), LeaseId = lease, Round = 1, Tiles = { new Tile { Index = 0, Values = ByteString.CopyFrom(new byte[32]) } } };
        chain.Refused(ProviderKey, WorkErrors.NotAwaitingResponse, early);
        chain.CommitUntil(receipt.SubmittedHeight + chain.Params.ChallengeDelay + 1);
        receipt = chain.Receipt(lease, 1)!;
        var response = chain.Response(receipt, leaves);

        var stranger = response.Clone();
        stranger.Provider = chain.A(2);
        chain.Refused(2, WorkErrors.NotLeaseProvider, stranger);

        var missing = response.Clone();
        missing.Tiles.RemoveAt(0);
        chain.Refused(ProviderKey, WorkErrors.WrongTiles, missing);

        var order = response.Clone();
        order.Tiles[0].Index = (order.Tiles[0].Index + 1) % 128;
        chain.Refused(ProviderKey, WorkErrors.WrongTiles, order);

        var width = response.Clone();
        width.Tiles[1].Values = ByteString.CopyFrom(new byte[4]);
        chain.Refused(ProviderKey, WorkErrors.BadPath, width);

        var path = response.Clone();
        path.Tiles[2].Path[0] = ByteString.CopyFrom(new byte[32]);
        chain.Refused(ProviderKey, WorkErrors.BadPath, path);

        var shortPath = response.Clone();
        shortPath.Tiles[2].Path.RemoveAt(0);
        chain.Refused(ProviderKey, WorkErrors.BadPath, shortPath);

        var badHash = response.Clone();
        badHash.Tiles[2].Path[0] = ByteString.CopyFrom(new byte[5]);
        chain.Refused(ProviderKey, WorkErrors.BadPath, badHash);

        chain.Ok(ProviderKey, response);
        Assert.Equal(ReceiptStatus.Verified, chain.Receipt(lease, 1)!.Status);
    }

    [Fact]
    public void Bonds_gate_bids_and_stay_while_leases_hold_them()
    {
        using var chain = new WorkChain();
        var create = new MsgCreateProvider { Owner = chain.A(2), HostUri = "https://gpu.example.com:8443", Region = "eu-west", Attributes = { "gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8" } };
        chain.Refused(2, WorkErrors.NotProvider, new MsgDepositWorkBond { Provider = chain.A(2), Amount = 5 });
        chain.Ok(2, create);
        chain.Ok(TenantKey, new MsgCreateOrder { Owner = chain.A(TenantKey), Resources = new Resources { GpuCount = 1, GpuModel = "nvidia/h100" }, MaxPricePerBlock = 100, BiddingWindowBlocks = 20, Deposit = 1_000_000 });
        var bid = chain.Commit(chain.Tx(2, new MsgCreateBid { Provider = chain.A(2), OrderId = 1, PricePerBlock = 10 })).Results[0];
        Assert.Equal((WorkErrors.Codespace, WorkErrors.BondTooLow), (bid.Codespace, bid.Code));

        chain.Ok(2, new MsgDepositWorkBond { Provider = chain.A(2), Amount = chain.Params.BondPerLease });
        chain.Ok(2, new MsgCreateBid { Provider = chain.A(2), OrderId = 1, PricePerBlock = 10 });
        chain.Ok(TenantKey, new MsgCreateLease { Tenant = chain.A(TenantKey), BidId = 1 });
        chain.Commit(); // the lease's first round opens
        chain.Refused(2, WorkErrors.BondInUse, new MsgWithdrawWorkBond { Provider = chain.A(2), Amount = 1 });
        chain.Refused(2, WorkErrors.InsufficientFunds, new MsgDepositWorkBond { Provider = chain.A(2), Amount = ulong.MaxValue / 2 });
        chain.Refused(2, WorkErrors.InvalidAmount, new MsgWithdrawWorkBond { Provider = chain.A(2), Amount = 0 });

        // A second lease needs a second bond_per_lease.
        chain.Ok(TenantKey, new MsgCreateOrder { Owner = chain.A(TenantKey), Resources = new Resources { GpuCount = 1, GpuModel = "nvidia/h100" }, MaxPricePerBlock = 100, BiddingWindowBlocks = 20, Deposit = 1_000_000 });
        bid = chain.Commit(chain.Tx(2, new MsgCreateBid { Provider = chain.A(2), OrderId = 2, PricePerBlock = 10 })).Results[0];
        Assert.Equal(WorkErrors.BondTooLow, bid.Code);
    }
}
