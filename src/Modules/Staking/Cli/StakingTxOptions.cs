using System.CommandLine;
using Chain.Client.Cli;
using Chain.Crypto;
using Google.Protobuf;

namespace Chain.Modules.Staking.Cli;

/// <summary>
/// What the tx commands of staking, distribution and slashing share: the signer named by --from (the Cosmos SDK's
/// shape: the key is an option, the arguments are what the tx is about), its account and operator addresses, and the
/// broadcast options with gas and fees that fit staking's txs. One instance per command.
/// </summary>
internal sealed class StakingTxOptions
{
    /// <summary>Staking txs touch more records than a transfer: 20,000 to 130,000 gas each on a local node, more for withdraw-all-rewards with many delegations.</summary>
    private const ulong DefaultGas = 1_000_000;
    private const string DefaultFees = "10000uchn";

    private readonly CliContext _context;

    public StakingTxOptions(CliContext context)
    {
        _context = context;
        Broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
    }

    public Option<string> From { get; } = new("--from") { Description = "Name of the keyring key that signs and pays", Required = true };

    public TxBroadcastOptions Broadcast { get; }

    /// <summary>
    /// A command named <paramref name="name"/> with <paramref name="symbols"/>, --from and the broadcast options, whose
    /// action signs and broadcasts what <paramref name="messages"/> builds. <paramref name="messages"/> checks what was
    /// typed and throws <see cref="CliException"/> before anything is sent.
    /// </summary>
    public Command Command(
        string name,
        string description,
        IEnumerable<Symbol> symbols,
        Func<ParseResult, Signer, CancellationToken, Task<IReadOnlyList<IMessage>>> messages)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Add(argument);
                    break;
                case Option option:
                    command.Add(option);
                    break;
                default:
                    throw new ArgumentException($"{symbol.Name} is neither an argument nor an option", nameof(symbols));
            }
        }

        command.Add(From);
        Broadcast.AddTo(command);
        command.SetAction(_context.Handler.Wrap(async (parse, ct) =>
        {
            var (key, account) = Broadcast.Key(parse, parse.GetRequiredValue(From));
            var signer = new Signer(key, account, Address.ToBech32(key.Address, Address.ValidatorOperatorPrefix));
            var built = await messages(parse, signer, ct);
            return await Broadcast.SignAndBroadcastAsync(parse, key, built, ct);
        }));
        return command;
    }

    /// <summary>Like the other overload, for messages built from the input alone.</summary>
    public Command Command(string name, string description, IEnumerable<Symbol> symbols, Func<ParseResult, Signer, IMessage> message) =>
        Command(name, description, symbols, (parse, signer, _) => Task.FromResult<IReadOnlyList<IMessage>>([message(parse, signer)]));

    /// <summary>The key that signs, its account (chain1...) and the same 20 bytes as an operator address (chainvaloper...).</summary>
    public sealed record Signer(PrivateKey Key, string Account, string Operator);
}
