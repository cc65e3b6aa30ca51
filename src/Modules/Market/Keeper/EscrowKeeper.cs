using Chain.Crypto;
using Chain.Modules.Bank.Keeper;
using Chain.Modules.Market.Events;
using Chain.Modules.Market.Params;
using Chain.Proto.Market;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;
using static Chain.Modules.Market.Events.MarketEvents;

namespace Chain.Modules.Market.Keeper;

/// <summary>
/// Escrow accounts: deposits drawn first in, first out at the lease's rate per block; settlement pays the
/// provider's share into <c>payable</c> and the take rate's share to <see cref="MarketAccounts.TakeRate"/>.
/// Funds sit in <see cref="MarketAccounts.Escrow"/>. Every amount is an exact uchn integer. Escrow: open → closed.
/// Apart from <see cref="DepositEscrow"/>, callers save the account afterwards with <see cref="MarketRecords.SaveEscrow"/>,
/// which moves its run-out queue entry.
/// </summary>
public sealed class EscrowKeeper(IBankKeeper bank, MarketRecords records)
{
    /// <summary>The tenant tops up an open escrow account; what is owed up to this block is settled first.</summary>
    public ExecResult DepositEscrow(MsgContext ctx, byte[] tenant, ulong escrowId, ulong amount)
    {
        var store = ctx.Store;
        var escrow = records.GetEscrow(store, escrowId);
        if (escrow is null)
        {
            return MarketErrors.Error(MarketErrors.UnknownEscrowAccount, $"escrow account {escrowId} does not exist");
        }

        var who = Address.ToBech32(tenant);
        if (escrow.Owner != who)
        {
            return MarketErrors.Error(MarketErrors.NotTenant, $"only the tenant {escrow.Owner} can deposit into escrow account {escrowId}");
        }

        if (escrow.State != EscrowState.Open)
        {
            return MarketErrors.Error(MarketErrors.EscrowClosed, $"escrow account {escrowId} is closed");
        }

        var funds = CanPay(store, tenant, amount, "the deposit");
        if (!funds.IsOk)
        {
            return funds;
        }

        var runOut = MarketRecords.FundsRunOutHeight(escrow);
        Settle(store, escrow, ctx.Block.Height, records.GetParams(store).TakeRateBps, ctx.Events);
        var r = Deposit(store, escrow, tenant, amount);
        if (!r.IsOk)
        {
            return r;
        }

        records.SaveEscrow(store, escrow, runOut);
        MarketEvents.Emit(ctx.Events, MarketEvents.EscrowDeposited,
            ("escrow_id", N(escrowId)), ("depositor", who), ("amount", N(amount)), ("balance", N(escrow.Balance)),
            ("funds_run_out_height", N(MarketRecords.FundsRunOutHeight(escrow) ?? 0)));
        return ExecResult.Ok;
    }

    /// <summary>Whether <paramref name="payer"/> holds <paramref name="amount"/> for <paramref name="what"/>; checked before anything is written.</summary>
    internal ExecResult CanPay(IStateStore store, byte[] payer, ulong amount, string what)
    {
        var have = bank.GetBalance(store, payer, Coins.BaseDenom);
        return have >= amount
            ? ExecResult.Ok
            : MarketErrors.Error(MarketErrors.InsufficientFunds, $"{Address.ToBech32(payer)} has {have}uchn, {what} needs {amount}uchn");
    }

    /// <summary>Pays for every block after <c>settled_height</c> up to <paramref name="height"/> (or what the balance covers).</summary>
    public void Settle(IStateStore store, EscrowAccount escrow, ulong height, uint takeRateBps, EventSink events)
    {
        if (escrow.State != EscrowState.Open || escrow.Rate == 0 || height <= escrow.SettledHeight)
        {
            return;
        }

        var blocks = height - escrow.SettledHeight;
        var owed = (UInt128)escrow.Rate * blocks;
        var due = owed > escrow.Balance ? escrow.Balance : (ulong)owed;
        escrow.SettledHeight = height;
        if (due == 0)
        {
            return;
        }

        Draw(escrow, due);
        var take = (ulong)((UInt128)due * takeRateBps / MarketParams.BasisPoints);
        escrow.Balance -= due;
        escrow.Payable += due - take;
        escrow.Taken += take;
        Move(store, MarketAccounts.Escrow, MarketAccounts.TakeRate, take);
        MarketEvents.Emit(events, MarketEvents.EscrowSettled,
            ("escrow_id", N(escrow.Id)), ("height", N(height)), ("amount", N(due)), ("take", N(take)), ("balance", N(escrow.Balance)));
    }

    /// <summary>Adds a deposit; the depositor must hold the amount (checked by the caller).</summary>
    public ExecResult Deposit(IStateStore store, EscrowAccount escrow, byte[] depositor, ulong amount)
    {
        var r = bank.Send(store, depositor, MarketAccounts.Escrow, amount);
        if (!r.IsOk)
        {
            return MarketErrors.Error(MarketErrors.InsufficientFunds, r.Log);
        }

        escrow.Deposits.Add(new EscrowDeposit { Depositor = Address.ToBech32(depositor), Remaining = amount });
        escrow.Balance += amount;
        escrow.Deposited += amount;
        return ExecResult.Ok;
    }

    /// <summary>Sends what the provider has earned and not yet withdrawn; returns the amount.</summary>
    public ulong PayOut(IStateStore store, EscrowAccount escrow)
    {
        var amount = escrow.Payable;
        if (amount == 0)
        {
            return 0;
        }

        Move(store, MarketAccounts.Escrow, Address.FromBech32(escrow.Provider), amount);
        escrow.Payable = 0;
        escrow.PaidOut += amount;
        return amount;
    }

    /// <summary>Pays the provider what is payable, refunds every remaining deposit to its depositor, and closes the account.</summary>
    public void Close(IStateStore store, EscrowAccount escrow, EventSink events)
    {
        var paid = PayOut(store, escrow);
        ulong refunded = 0;
        foreach (var d in escrow.Deposits)
        {
            Move(store, MarketAccounts.Escrow, Address.FromBech32(d.Depositor), d.Remaining);
            refunded += d.Remaining;
        }

        escrow.Deposits.Clear();
        escrow.Refunded += refunded;
        escrow.Balance -= refunded;
        escrow.State = EscrowState.Closed;
        MarketEvents.Emit(events, MarketEvents.EscrowClosed,
            ("escrow_id", N(escrow.Id)), ("paid_out", N(paid)), ("refunded", N(refunded)));
    }

    /// <summary>Moves funds the market holds for others; failing means the market's books are broken, which must stop the node.</summary>
    public void Move(IStateStore store, byte[] from, byte[] to, ulong amount)
    {
        if (amount == 0)
        {
            return;
        }

        var r = bank.Send(store, from, to, amount);
        if (!r.IsOk)
        {
            throw new InvalidOperationException($"market: the escrow account cannot pay {amount}uchn it holds for others: {r.Log}");
        }
    }

    /// <summary>Takes <paramref name="amount"/> (at most the balance) from the oldest deposits first.</summary>
    private static void Draw(EscrowAccount escrow, ulong amount)
    {
        var left = amount;
        while (left > 0)
        {
            var first = escrow.Deposits[0];
            var take = Math.Min(first.Remaining, left);
            first.Remaining -= take;
            left -= take;
            if (first.Remaining == 0)
            {
                escrow.Deposits.RemoveAt(0);
            }
        }
    }
}
