using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Node.Cli;

/// <summary>`chaind query ...`: bank balance, account and supply, market (see <see cref="MarketQueryCommand"/>), tx by hash, block by height.</summary>
internal sealed class QueryCommand
{
    private readonly CliContext _context;

    public QueryCommand(CliContext context)
    {
        _context = context;
    }

    public Command Build()
    {
        var bank = new Command("bank", "Bank queries");
        bank.Add(Balance());
        bank.Add(Account());
        bank.Add(Supply());
        var query = new Command("query", "Query a node");
        query.Aliases.Add("q");
        query.Add(bank);
        query.Add(new MarketQueryCommand(_context).Build());
        query.Add(Tx());
        query.Add(Block());
        return query;
    }

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private Command Balance()
    {
        var address = new Argument<string>("address") { Description = "Account address (chain1...)" };
        var denom = new Option<string>("--denom") { Description = "Denomination", DefaultValueFactory = _ => Coins.BaseDenom };
        var client = new ClientOptions(_context);
        var prove = new Option<bool>("--prove") { Description = "Ask for a Merkle proof and verify it against the app hash of a block header" };
        var command = new Command("balance", "Balance of an account in one denomination") { address, denom, prove };
        client.AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var request = new QueryBalanceRequest
            {
                Address = ClientInput.AccountAddress(parse.GetRequiredValue(address), "address"),
                Denom = ClientInput.Denom(parse.GetRequiredValue(denom)),
                Prove = parse.GetValue(prove),
            };
            using var node = client.Connect(parse);
            var response = await node.CallAsync(o => new Query.QueryClient(node.Channel).BalanceAsync(request, o), ct);
            var coin = response.Balance ?? new Coin { Denom = request.Denom };
            var proofLine = string.Empty;
            if (request.Prove)
            {
                var raw = Crypto.Address.FromBech32(request.Address);
                byte[]? value = null;
                if (coin.Amount != 0)
                {
                    value = new byte[8];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(value, coin.Amount);
                }

                proofLine = await ProofCheck.VerifyAsync(node, response.Proof, BankKeys.InState(BankKeys.Balance(raw, request.Denom)), value, ct);
            }

            new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
                request.Prove
                    ? [("balance", Coins.Format(coin)), ("height", N(response.Height)), ("proof", proofLine)]
                    : [("balance", Coins.Format(coin)), ("height", N(response.Height))]);
            return 0;
        }));
        return command;
    }

    private Command Account()
    {
        var address = new Argument<string>("address") { Description = "Account address (chain1...)" };
        var client = new ClientOptions(_context);
        var prove = new Option<bool>("--prove") { Description = "Ask for a Merkle proof and verify it against the app hash of a block header" };
        var command = new Command("account", "Account number, sequence and public key of an account") { address, prove };
        client.AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var request = new QueryAccountRequest { Address = ClientInput.AccountAddress(parse.GetRequiredValue(address), "address"), Prove = parse.GetValue(prove) };
            using var node = client.Connect(parse);
            var response = await node.CallAsync(o => new Query.QueryClient(node.Channel).AccountAsync(request, o), ct);
            var account = response.Account ?? new Proto.Bank.Account { Address = request.Address };
            var proofLine = string.Empty;
            if (request.Prove)
            {
                // The state holds the account without its address (the key carries it).
                var stored = account.Clone();
                stored.Address = string.Empty;
                var raw = Crypto.Address.FromBech32(request.Address);
                proofLine = await ProofCheck.VerifyAsync(node, response.Proof, BankKeys.InState(BankKeys.Account(raw)), stored.ToByteArray(), ct);
            }

            new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
            [
                ("address", account.Address),
                ("account_number", N(account.AccountNumber)),
                ("sequence", N(account.Sequence)),
                ("public_key", Convert.ToHexStringLower(account.PublicKey.Span)),
                ("height", N(response.Height)),
                .. (request.Prove ? new[] { ("proof", proofLine) } : []),
            ]);
            return 0;
        }));
        return command;
    }

    private Command Supply()
    {
        var denom = new Option<string>("--denom") { Description = "Denomination", DefaultValueFactory = _ => Coins.BaseDenom };
        var client = new ClientOptions(_context);
        var command = new Command("supply", "Total supply of a denomination") { denom };
        client.AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var request = new QuerySupplyRequest { Denom = ClientInput.Denom(parse.GetRequiredValue(denom)) };
            using var node = client.Connect(parse);
            var response = await node.CallAsync(o => new Query.QueryClient(node.Channel).SupplyAsync(request, o), ct);
            var coin = response.Amount ?? new Coin { Denom = request.Denom };
            new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
                [("supply", Coins.Format(coin)), ("height", N(response.Height))]);
            return 0;
        }));
        return command;
    }

    private Command Tx()
    {
        var hash = new Argument<string>("hash") { Description = "Tx hash (64 hex characters)" };
        var client = new ClientOptions(_context);
        var command = new Command("tx", "A committed tx and its result") { hash };
        client.AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var request = new GetTxRequest { TxHash = ByteString.CopyFrom(ClientInput.TxHash(parse.GetRequiredValue(hash))) };
            using var node = client.Connect(parse);
            var response = await node.CallAsync(o => new Service.ServiceClient(node.Channel).GetTxAsync(request, o), ct);
            var result = response.Result ?? new TxResult();
            new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
            [
                ("txhash", ResultPrinter.Hex(request.TxHash)),
                ("height", N(result.Height)),
                ("index", result.Index.ToString(CultureInfo.InvariantCulture)),
                ("code", result.Code.ToString(CultureInfo.InvariantCulture)),
                ("codespace", result.Codespace),
                ("log", result.Log),
                ("gas_wanted", N(result.GasWanted)),
                ("gas_used", N(result.GasUsed)),
                ("events", string.Join(", ", result.Events.Select(e => e.Type))),
                ("tx_bytes", N((ulong)response.TxBytes.Length)),
            ]);
            return 0;
        }));
        return command;
    }

    private Command Block()
    {
        var height = new Argument<ulong>("height")
        {
            Description = "Block height (default: the latest)",
            DefaultValueFactory = _ => 0UL,
        };
        var client = new ClientOptions(_context);
        var command = new Command("block", "A committed block") { height };
        client.AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var request = new GetBlockRequest { Height = parse.GetValue(height) };
            using var node = client.Connect(parse);
            var response = await node.CallAsync(o => new Blocks.BlocksClient(node.Channel).GetBlockAsync(request, o), ct);
            var header = response.Block?.Header ?? new Header();
            new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
            [
                ("height", N(header.Height)),
                ("hash", response.BlockId is null ? string.Empty : ResultPrinter.Hex(response.BlockId.Hash)),
                ("time", ResultPrinter.Time(header.TimeUnixNanos)),
                ("chain_id", header.ChainId),
                ("proposer", ResultPrinter.Hex(header.ProposerAddress)),
                ("app_hash", ResultPrinter.Hex(header.AppHash)),
                ("txs", N((ulong)(response.Block?.Data?.Txs.Count ?? 0))),
            ]);
            return 0;
        }));
        return command;
    }
}
