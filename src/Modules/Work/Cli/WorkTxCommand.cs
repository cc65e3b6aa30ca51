using System.CommandLine;
using Chain.Client.Cli;
using Chain.Crypto;
using Chain.Modules.Work.Kernels;
using Chain.Proto.Work;
using Google.Protobuf;

namespace Chain.Modules.Work.Cli;

/// <summary>
/// `chaind tx work ...`. The first argument is the keyring key that signs (the provider or the tenant). The provider's
/// receipt and response are computed here from what the node says is due (--device picks the prover); tenant files are
/// raw int8 (A row by row, B column by column).
/// </summary>
internal sealed class WorkTxCommand(CliContext context, Func<string, ITileProver> provers)
{
    /// <summary>
    /// Enough for a response at the default sizes (230 KiB at 10 gas a byte, and 1 gas per 4 input bytes every validator
    /// regenerates: about 7 million), paid at the default minimum gas price of 0.01uchn.
    /// </summary>
    private const ulong DefaultGas = 10_000_000;
    private const string DefaultFees = "100000uchn";

    public Command Build()
    {
        var work = new Command(WorkModule.ModuleName, "Proof of useful work transactions: bonds, receipts, challenge responses, tenant data and disputes");
        work.Add(Amount("deposit-bond", "Add to your work bond (providers need bond_per_lease per lease)", (p, a) => new MsgDepositWorkBond { Provider = p, Amount = a }));
        work.Add(Amount("withdraw-bond", "Take back work bond that no active lease or unresolved receipt holds", (p, a) => new MsgWithdrawWorkBond { Provider = p, Amount = a }));
        work.Add(SubmitReceipt());
        work.Add(Respond());
        work.Add(SetTenantData());
        work.Add(RequestTiles());
        work.Add(Dispute());
        return work;
    }

    private static Argument<string> KeyArgument() => new("key") { Description = "Name of the keyring key that signs and pays" };

    private static Argument<ulong> LeaseArgument() => new("lease_id") { Description = "The lease" };

    private static Argument<ulong> RoundArgument() => new("round") { Description = "The receipt's round" };

    private Command Amount(string name, string description, Func<string, ulong, IMessage> make)
    {
        var key = KeyArgument();
        var amount = new Argument<string>("amount") { Description = "Amount, e.g. 100chn or 100000000uchn" };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command(name, description) { key, amount };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            return await broadcast.SignAndBroadcastAsync(parse, signer, [make(address, ClientInput.Uchn(parse.GetRequiredValue(amount), "amount"))], ct);
        }));
        return command;
    }

    private Command SubmitReceipt()
    {
        var key = KeyArgument();
        var lease = LeaseArgument();
        var inputs = new WorkInputs();
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("submit-receipt", "Compute the receipt of a lease's open round here and submit it (provider)") { key, lease };
        inputs.AddTo(command);
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var work = await Query(parse, broadcast, (c, o) => c.LeaseWorkAsync(new QueryLeaseWorkRequest { LeaseId = parse.GetValue(lease) }, o), ct);
            if (!work.Lease.Active || work.Lease.Round == 0)
            {
                throw new CliException($"lease {work.Lease.LeaseId} has no open round");
            }

            var (tree, _, elapsed, prover) = inputs.Compute(parse, work.Lease.Spec, provers);
            var receipt = ReceiptBuilder.Receipt(address, work.Lease, tree, new Telemetry { Driver = prover, KernelMicros = (ulong)(elapsed.Ticks / 10) });
            return await broadcast.SignAndBroadcastAsync(parse, signer, [receipt], ct);
        }));
        return command;
    }

    private Command Respond()
    {
        var key = KeyArgument();
        var lease = LeaseArgument();
        var round = RoundArgument();
        var inputs = new WorkInputs();
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("respond", "Open the challenged (or tenant-requested) tiles of your receipt, recomputed here (provider)") { key, lease, round };
        inputs.AddTo(command);
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var found = await Query(parse, broadcast, (c, o) => c.ReceiptAsync(new QueryReceiptRequest { LeaseId = parse.GetValue(lease), Round = parse.GetValue(round) }, o), ct);
            var receipt = found.Receipt;
            if (receipt.Status is not (ReceiptStatus.Challenged or ReceiptStatus.TilesRequested))
            {
                throw new CliException($"the receipt is {ProtoEnumText.Name(receipt.Status)}; there is nothing to answer");
            }

            var (tree, data, _, _) = inputs.Compute(parse, receipt.Spec, provers);
            if (!tree.Root.AsSpan().SequenceEqual(receipt.OutputRoot.Span))
            {
                throw new CliException($"the product computed now has root {Convert.ToHexStringLower(tree.Root)}, not the receipt's {Convert.ToHexStringLower(receipt.OutputRoot.ToByteArray())}; its tiles cannot be opened");
            }

            var response = ReceiptBuilder.Response(address, receipt.LeaseId, receipt.Round, receipt.ChallengedTiles, receipt.Spec, data, tree);
            return await broadcast.SignAndBroadcastAsync(parse, signer, [response], ct);
        }));
        return command;
    }

    private Command SetTenantData()
    {
        var key = KeyArgument();
        var lease = LeaseArgument();
        var a = new Option<string>("--a") { Description = "The file of A: rows x n int8 bytes, row by row (n: the n param)", Required = true };
        var b = new Option<string>("--b") { Description = "The file of B: n x n int8 bytes, column by column", Required = true };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("set-tenant-data", "Compute on your own matrices from the lease's next round on: commits their roots (tenant)") { key, lease, a, b };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var p = await Query(parse, broadcast, (c, o) => c.ParamsAsync(new QueryParamsRequest(), o), ct);
            var n = (int)p.Params.N;
            var (aBytes, bBytes) = ReadFiles(parse.GetRequiredValue(a), parse.GetRequiredValue(b));
            if (aBytes.Length == 0 || aBytes.Length % n != 0 || bBytes.Length != (long)n * n)
            {
                throw new CliException($"with n = {n}, A must be a whole number of {n}-byte rows and B exactly {n * n} bytes; the files hold {aBytes.Length} and {bBytes.Length}");
            }

            var (aRoot, bRoot) = ReceiptBuilder.TenantRoots(aBytes, bBytes, n);
            var msg = new MsgSetTenantData
            {
                Tenant = address, LeaseId = parse.GetValue(lease), Rows = (uint)(aBytes.Length / n), ARoot = ByteString.CopyFrom(aRoot), BRoot = ByteString.CopyFrom(bRoot),
            };
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private Command RequestTiles()
    {
        var key = KeyArgument();
        var lease = LeaseArgument();
        var round = RoundArgument();
        var tiles = new Argument<ulong[]>("tiles") { Description = "Tile indices (row-major over 1 x k tiles), at most the samples param", Arity = ArgumentArity.OneOrMore };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("request-tiles", "Ask the provider to open tiles of a tenant-data receipt (tenant)") { key, lease, round, tiles };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var msg = new MsgRequestTiles { Tenant = address, LeaseId = parse.GetValue(lease), Round = parse.GetValue(round) };
            msg.Tiles.AddRange(parse.GetValue(tiles) ?? []);
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private Command Dispute()
    {
        var key = KeyArgument();
        var lease = LeaseArgument();
        var round = RoundArgument();
        var tile = new Argument<ulong>("tile") { Description = "The opened tile that is wrong" };
        var a = new Option<string>("--a") { Description = "Your file of A (row by row)", Required = true };
        var b = new Option<string>("--b") { Description = "Your file of B (column by column)", Required = true };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("dispute", "Prove an opened tile wrong with its row of A and columns of B (tenant)") { key, lease, round, tile, a, b };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var found = await Query(parse, broadcast, (c, o) => c.ReceiptAsync(new QueryReceiptRequest { LeaseId = parse.GetValue(lease), Round = parse.GetValue(round) }, o), ct);
            var (aBytes, bBytes) = ReadFiles(parse.GetRequiredValue(a), parse.GetRequiredValue(b));
            MsgDisputeTile msg;
            try
            {
                msg = TenantDispute.Build(address, found.Receipt, parse.GetValue(tile), aBytes, bBytes);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }

            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private static (byte[] A, byte[] B) ReadFiles(string a, string b)
    {
        try
        {
            return (File.ReadAllBytes(a), File.ReadAllBytes(b));
        }
        catch (IOException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static async Task<T> Query<T>(ParseResult parse, TxBroadcastOptions broadcast, Func<Query.QueryClient, Grpc.Core.CallOptions, Grpc.Core.AsyncUnaryCall<T>> call, CancellationToken ct)
    {
        using var node = broadcast.Client.Connect(parse);
        return await node.CallAsync(o => call(new Query.QueryClient(node.Channel), o), ct);
    }
}
