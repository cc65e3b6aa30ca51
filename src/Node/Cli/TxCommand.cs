using System.CommandLine;
using Chain.Node.Config;
using Chain.Node.Keys;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Node.Cli;

/// <summary>`chaind tx bank send`: signs with a keyring key and broadcasts over gRPC.</summary>
internal sealed class TxCommand
{
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(90);

    private readonly CliEnvironment _environment;
    private readonly CommandHandler _handler;
    private readonly Option<string> _home;

    public TxCommand(CliEnvironment environment, CommandHandler handler, Option<string> home)
    {
        _environment = environment;
        _handler = handler;
        _home = home;
    }

    public Command Build()
    {
        var bank = new Command("bank", "Bank transactions");
        bank.Add(Send());
        var tx = new Command("tx", "Sign and broadcast transactions");
        tx.Add(bank);
        return tx;
    }

    private Command Send()
    {
        var from = new Argument<string>("from_key") { Description = "Name of the keyring key that signs and pays" };
        var to = new Argument<string>("to_address") { Description = "Recipient address (chain1...)" };
        var amount = new Argument<string>("amount") { Description = "Coins to send, e.g. 1500uchn, 1.5chn or 10uchn,5uabc" };
        var fees = new Option<string>("--fees") { Description = "Fee paid", DefaultValueFactory = _ => "2000uchn" };
        var gas = new Option<ulong>("--gas") { Description = "Gas limit", DefaultValueFactory = _ => 200_000UL };
        var memo = new Option<string>("--memo") { Description = "Memo stored with the tx", DefaultValueFactory = _ => string.Empty };
        var chainId = new Option<string?>("--chain-id") { Description = "Chain id signed over (default: ask the node)" };
        var mode = new Option<string>("--broadcast-mode")
        {
            Description = "sync: return after CheckTx; commit: wait until the tx is in a block",
            DefaultValueFactory = _ => "sync",
        };
        mode.AcceptOnlyFromAmong("sync", "commit");
        var sequence = new Option<ulong?>("--sequence") { Description = "Account sequence (default: ask the node)" };
        var accountNumber = new Option<ulong?>("--account-number") { Description = "Account number (default: ask the node)" };
        var client = new ClientOptions(_environment, _home);
        var command = new Command("send", "Send coins from a keyring key to an address")
        {
            from, to, amount, fees, gas, memo, chainId, mode, sequence, accountNumber,
        };
        client.AddTo(command);

        command.SetAction(_handler.Wrap(async (parse, ct) =>
        {
            var home = new NodeHome(parse.GetRequiredValue(_home));
            var key = new Keyring(home.KeyringDirectory).GetPrivateKey(parse.GetRequiredValue(from));
            var fromAddress = Crypto.Address.ToBech32(key.Address);
            var toAddress = ClientInput.AccountAddress(parse.GetRequiredValue(to), "recipient address");
            var coins = ClientInput.Coins(parse.GetRequiredValue(amount), "amount", allowZero: false);
            var fee = new Fee { GasLimit = parse.GetValue(gas) };
            fee.Amount.AddRange(ClientInput.Coins(parse.GetRequiredValue(fees), "--fees", allowZero: true));
            if (fee.GasLimit == 0)
            {
                throw new CliException("--gas must be above 0");
            }

            var seq = parse.GetValue(sequence);
            var number = parse.GetValue(accountNumber);
            if (seq.HasValue != number.HasValue)
            {
                throw new CliException("give both --sequence and --account-number, or neither");
            }

            using var node = client.Connect(parse);
            var chain = parse.GetValue(chainId);
            if (string.IsNullOrEmpty(chain))
            {
                var status = await node.CallAsync(o => new Status.StatusClient(node.Channel).GetStatusAsync(new StatusRequest(), o), ct);
                chain = status.ChainId;
            }

            if (!seq.HasValue)
            {
                var found = await node.CallAsync(
                    o => new Query.QueryClient(node.Channel).AccountAsync(new QueryAccountRequest { Address = fromAddress }, o), ct);
                if (found.Account is null || found.Account.Address.Length == 0)
                {
                    throw new CliException($"account {fromAddress} does not exist on chain yet (it has never received funds)");
                }

                seq = found.Account.Sequence;
                number = found.Account.AccountNumber;
            }

            var msg = new MsgSend { FromAddress = fromAddress, ToAddress = toAddress };
            msg.Amount.AddRange(coins);
            var tx = TxFactory.Sign(key, chain, number!.Value, seq.Value, fee, [msg], parse.GetValue(memo) ?? string.Empty);
            var txBytes = tx.ToByteArray();
            var commit = parse.GetValue(mode) == "commit";
            var response = await node.CallAsync(
                o => new Service.ServiceClient(node.Channel).BroadcastTxAsync(
                    new BroadcastTxRequest
                    {
                        TxBytes = ByteString.CopyFrom(txBytes),
                        Mode = commit ? BroadcastMode.Commit : BroadcastMode.Sync,
                    },
                    o),
                ct,
                commit ? CommitTimeout : null);
            if (response.TxHash.IsEmpty)
            {
                response.TxHash = ByteString.CopyFrom(TxFactory.Hash(txBytes));
            }

            var result = response.Result ?? new TxResult();
            new ResultPrinter(_environment.Output).Print(parse.GetValue(client.Output), response, () =>
            [
                ("txhash", ResultPrinter.Hex(response.TxHash)),
                ("code", result.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("codespace", result.Codespace),
                ("log", result.Log),
                ("gas_wanted", result.GasWanted.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("gas_used", result.GasUsed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("height", response.Height.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ]);
            if (result.Code != 0)
            {
                await _environment.Error.WriteLineAsync($"Error: tx failed with code {result.Code} ({result.Codespace}): {result.Log}");
                return 1;
            }

            return 0;
        }));
        return command;
    }
}
