using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Bank;

namespace Chain.Modules.Bank.Cli;

/// <summary>`chaind tx bank send`: signs with a keyring key and broadcasts over gRPC.</summary>
internal sealed class BankTxCommand(CliContext context)
{
    public Command Build()
    {
        var bank = new Command(BankModule.ModuleName, "Bank transactions");
        bank.Add(Send());
        return bank;
    }

    private Command Send()
    {
        var from = new Argument<string>("from_key") { Description = "Name of the keyring key that signs and pays" };
        var to = new Argument<string>("to_address") { Description = "Recipient address (chain1...)" };
        var amount = new Argument<string>("amount") { Description = "Coins to send, e.g. 1500uchn, 1.5chn or 10uchn,5uabc" };
        var broadcast = new TxBroadcastOptions(context);
        var command = new Command("send", "Send coins from a keyring key to an address") { from, to, amount };
        broadcast.AddTo(command);

        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (key, fromAddress) = broadcast.Key(parse, parse.GetRequiredValue(from));
            var toAddress = ClientInput.AccountAddress(parse.GetRequiredValue(to), "recipient address");
            var coins = ClientInput.Coins(parse.GetRequiredValue(amount), "amount", allowZero: false);
            var msg = new MsgSend { FromAddress = fromAddress, ToAddress = toAddress };
            msg.Amount.AddRange(coins);
            return await broadcast.SignAndBroadcastAsync(parse, key, [msg], ct);
        }));
        return command;
    }
}
