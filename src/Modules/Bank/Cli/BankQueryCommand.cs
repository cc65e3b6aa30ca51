using System.CommandLine;
using System.Globalization;
using Chain.Client.Cli;
using Chain.Modules.Bank.Keeper;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Modules.Bank.Cli;

/// <summary>`chaind query bank balance|account|supply|params`; balance and account with --prove check a Merkle proof.</summary>
internal sealed class BankQueryCommand(CliContext context)
{
    public Command Build()
    {
        var bank = new Command(BankModule.ModuleName, "Bank queries");
        bank.Add(Balance());
        bank.Add(Account());
        bank.Add(Supply());
        bank.Add(Params());
        return bank;
    }

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private Command Balance()
    {
        var address = new Argument<string>("address") { Description = "Account address (chain1...)" };
        var denom = new Option<string>("--denom") { Description = "Denomination", DefaultValueFactory = _ => Coins.BaseDenom };
        var client = new ClientOptions(context);
        var prove = new Option<bool>("--prove") { Description = "Ask for a Merkle proof and verify it against the app hash of a block header" };
        var command = new Command("balance", "Balance of an account in one denomination") { address, denom, prove };
        client.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
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

            new ResultPrinter(context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
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
        var client = new ClientOptions(context);
        var prove = new Option<bool>("--prove") { Description = "Ask for a Merkle proof and verify it against the app hash of a block header" };
        var command = new Command("account", "Account number, sequence and public key of an account") { address, prove };
        client.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
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

            new ResultPrinter(context.Environment.Output).Print(parse.GetValue(client.Output), response, () =>
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
        var command = new Command("supply", "Total supply of a denomination") { denom };
        new ClientOptions(context).SetQueryAction(
            command,
            parse => new QuerySupplyRequest { Denom = ClientInput.Denom(parse.GetRequiredValue(denom)) },
            (node, request, o) => new Query.QueryClient(node.Channel).SupplyAsync(request, o),
            (request, response) => [("supply", Coins.Format(response.Amount ?? new Coin { Denom = request.Denom })), ("height", N(response.Height))]);
        return command;
    }

    private Command Params()
    {
        var command = new Command("params", "The bank's params");
        new ClientOptions(context).SetQueryAction(
            command,
            _ => new QueryParamsRequest(),
            (node, request, o) => new Query.QueryClient(node.Channel).ParamsAsync(request, o),
            (_, response) => [("send_enabled", response.Params?.SendEnabled == true ? "true" : "false"), ("height", N(response.Height))]);
        return command;
    }
}
