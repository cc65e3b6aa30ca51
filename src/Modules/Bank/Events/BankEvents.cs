using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Modules.Bank.Events;

/// <summary>The bank's events (docs/modules.md: names are "module.event").</summary>
public static class BankEvents
{
    /// <summary>Coins moved by MsgSend: sender, recipient, amount ("5uchn,2foo").</summary>
    public const string Transfer = "bank.transfer";

    public static void EmitTransfer(EventSink events, string sender, string recipient, IEnumerable<Coin> amount) =>
        events.Emit(Transfer, ("sender", sender), ("recipient", recipient), ("amount", string.Join(',', amount.Select(Coins.Format))));
}
