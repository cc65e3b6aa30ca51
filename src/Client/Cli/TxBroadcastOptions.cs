using System.CommandLine;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.NodeService;
using Chain.Proto.TxService;
using Chain.Proto.Types;
using Chain.State.Transactions;
using Google.Protobuf;

namespace Chain.Client.Cli;

/// <summary>
/// What every `chaind tx ...` command shares: the fee, gas, memo, chain id, broadcast mode, sequence and node
/// options, and signing the messages with a keyring key, broadcasting them and printing the result.
/// </summary>
public sealed class TxBroadcastOptions
{
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(90);

    private readonly CliContext _context;

    public TxBroadcastOptions(CliContext context, ulong defaultGas = 200_000, string defaultFees = "2000uchn")
    {
        _context = context;
        Client = new ClientOptions(context);
        Fees = new Option<string>("--fees") { Description = "Fee paid", DefaultValueFactory = _ => defaultFees };
        Gas = new Option<ulong>("--gas") { Description = "Gas limit", DefaultValueFactory = _ => defaultGas };
        Mode.AcceptOnlyFromAmong("sync", "commit");
    }

    public ClientOptions Client { get; }

    public Option<string> Fees { get; }

    public Option<ulong> Gas { get; }

    public Option<string> Memo { get; } = new("--memo") { Description = "Memo stored with the tx", DefaultValueFactory = _ => string.Empty };

    public Option<string?> ChainId { get; } = new("--chain-id") { Description = "Chain id signed over (default: ask the node)" };

    public Option<string> Mode { get; } = new("--broadcast-mode")
    {
        Description = "sync: return after CheckTx; commit: wait until the tx is in a block",
        DefaultValueFactory = _ => "sync",
    };

    public Option<ulong?> Sequence { get; } = new("--sequence") { Description = "Account sequence (default: ask the node)" };

    public Option<ulong?> AccountNumber { get; } = new("--account-number") { Description = "Account number (default: ask the node)" };

    public void AddTo(Command command)
    {
        command.Add(Fees);
        command.Add(Gas);
        command.Add(Memo);
        command.Add(ChainId);
        command.Add(Mode);
        command.Add(Sequence);
        command.Add(AccountNumber);
        Client.AddTo(command);
    }

    /// <summary>The keyring key named <paramref name="keyName"/> and its address.</summary>
    public (PrivateKey Key, string Address) Key(ParseResult parse, string keyName)
    {
        var key = _context.OpenKeyring(parse).GetPrivateKey(keyName);
        return (key, Address.ToBech32(key.Address));
    }

    /// <summary>Signs <paramref name="messages"/> with <paramref name="key"/>, broadcasts, prints the result; the exit code.</summary>
    public async Task<int> SignAndBroadcastAsync(ParseResult parse, PrivateKey key, IReadOnlyList<IMessage> messages, CancellationToken ct)
    {
        var fromAddress = Address.ToBech32(key.Address);
        var fee = new Fee { GasLimit = parse.GetValue(Gas) };
        fee.Amount.AddRange(ClientInput.Coins(parse.GetRequiredValue(Fees), "--fees", allowZero: true));
        if (fee.GasLimit == 0)
        {
            throw new CliException("--gas must be above 0");
        }

        var seq = parse.GetValue(Sequence);
        var number = parse.GetValue(AccountNumber);
        if (seq.HasValue != number.HasValue)
        {
            throw new CliException("give both --sequence and --account-number, or neither");
        }

        using var node = Client.Connect(parse);
        var chain = parse.GetValue(ChainId);
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

        var tx = TxFactory.Sign(key, chain, number!.Value, seq.Value, fee, messages, parse.GetValue(Memo) ?? string.Empty);
        var txBytes = tx.ToByteArray();
        var commit = parse.GetValue(Mode) == "commit";
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
        new ResultPrinter(_context.Environment.Output).Print(parse.GetValue(Client.Output), response, () =>
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
            await _context.Environment.Error.WriteLineAsync($"Error: tx failed with code {result.Code} ({result.Codespace}): {result.Log}");
            return 1;
        }

        return 0;
    }
}
